//! A fresh schema of the throwaway PostgreSQL cluster `make postgres` starts (its URL in
//! `target/postgres/url`, or `POSTURE_TEST_POSTGRES`), dropped when the test ends.

use crate::root;

/// A fresh PostgreSQL schema of the cluster `make postgres` started; dropped afterwards.
pub struct Pg {
    base: String,
    schema: String,
}

impl Pg {
    /// A fresh schema named after `name` and the process.
    pub fn new(name: &str) -> Pg {
        let file = root().join("target/postgres/url");
        let base = std::env::var("POSTURE_TEST_POSTGRES")
            .ok()
            .or_else(|| std::fs::read_to_string(&file).ok())
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| {
                panic!(
                    "no PostgreSQL: run `make postgres` (writes {}) or set POSTURE_TEST_POSTGRES",
                    file.display()
                )
            });
        let schema = format!("cli_{name}_{}", std::process::id());
        let mut c = postgres::Client::connect(&base, postgres::NoTls)
            .unwrap_or_else(|e| panic!("{base}: {e} (is `make postgres` running?)"));
        c.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .expect("schema");
        Pg { base, schema }
    }

    /// The URL that selects the schema.
    pub fn url(&self) -> String {
        format!("{}?options=-csearch_path%3D{}", self.base, self.schema)
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}
