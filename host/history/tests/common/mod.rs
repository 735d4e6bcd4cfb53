//! What the backend suites share: a fixture per backend (a fresh store plus raw SQL access to
//! tamper with it), synthetic reports whose findings change a little from run to run, and the
//! `backend_suite!` macro that instantiates every test of `suite` for one fixture.
#![allow(dead_code, missing_docs)]

pub mod reports;
pub mod suite;
pub mod tamper;

pub use reports::*;

/// A fresh store of one backend and raw access to its tables.
pub trait Fixture: Send + Sync {
    /// What `Store::open` takes.
    fn location(&self) -> String;
    /// Runs SQL statements (separated by `;`) on the store's database, outside the store.
    fn exec(&self, sql: &str);
    /// The first column of the first row of `sql`, as an integer.
    fn query_i64(&self, sql: &str) -> i64;
    /// Bytes the store occupies.
    fn size_bytes(&self) -> u64;
    /// Another fresh store of the same backend.
    fn sibling(&self) -> Box<dyn Fixture>;
    /// A short name for messages.
    fn name(&self) -> &'static str;
}

/// The workspace root.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Instantiates every test of `suite` for the fixture made by `$make`.
#[macro_export]
macro_rules! backend_suite {
    ($make:expr; $($test:ident),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                let fixture = $make;
                common::suite::$test(&fixture);
            }
        )*
    };
}
