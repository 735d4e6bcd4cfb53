//! Loading a snapshot: bytes → UTF-8 (BOM tolerated) → serde with the JSON path tracked →
//! validation (schema version, accounts, unique ids, account references). Every error names
//! the origin and, where there is one, the JSON pointer of the offending value.

use super::{EntityKind, SCHEMA_V1, Snapshot};
use std::collections::HashMap;
use std::path::Path;

/// Why a snapshot could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file could not be read.
    #[error("{origin}: cannot read snapshot")]
    Read {
        /// The file.
        origin: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than the configured cap.
    #[error(
        "{origin}: snapshot is {size_mib} MiB, over the limit of {limit_mib} MiB (raise it with --max-snapshot-mib)"
    )]
    TooLarge {
        /// The file.
        origin: String,
        /// Its size in MiB (rounded up).
        size_mib: u64,
        /// The cap in MiB.
        limit_mib: u64,
    },
    /// The bytes are not UTF-8.
    #[error("{origin}: not UTF-8 text (invalid byte at offset {offset}); snapshots are UTF-8 JSON")]
    NotUtf8 {
        /// The file.
        origin: String,
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The JSON is malformed or a value has the wrong type.
    #[error("{origin}: {path}: {message} (line {line}, column {column})")]
    Json {
        /// The file.
        origin: String,
        /// JSON pointer of the value, `/` for the document.
        path: String,
        /// What is wrong.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The document parsed but breaks a rule of the schema.
    #[error("{origin}: {path}: {message}")]
    Invalid {
        /// The file.
        origin: String,
        /// JSON pointer of the value.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl SnapshotError {
    /// The JSON pointer of the offending value, if the error has one.
    pub fn json_path(&self) -> Option<&str> {
        match self {
            SnapshotError::Json { path, .. } | SnapshotError::Invalid { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// Default cap on the size of a snapshot file: 4 GiB.
pub const DEFAULT_MAX_SNAPSHOT_BYTES: u64 = 4 << 30;

/// Reads and validates the snapshot at `path` (size capped at
/// [`DEFAULT_MAX_SNAPSHOT_BYTES`]).
pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
    load_capped(path, DEFAULT_MAX_SNAPSHOT_BYTES)
}

/// Reads and validates the snapshot at `path`, refusing files over `max_bytes` before
/// reading them.
pub fn load_capped(path: &Path, max_bytes: u64) -> Result<Snapshot, SnapshotError> {
    let bytes = read_capped(path, max_bytes)?;
    from_slice(&bytes, &path.display().to_string())
}

/// Reads the bytes of the snapshot file at `path`, refusing files over `max_bytes` before
/// reading them (and never reading past the cap, should the file grow).
pub fn read_capped(path: &Path, max_bytes: u64) -> Result<Vec<u8>, SnapshotError> {
    use std::io::Read;
    let origin = path.display().to_string();
    let read_err = |source| SnapshotError::Read {
        origin: origin.clone(),
        source,
    };
    let file = crate::input::open(path).map_err(read_err)?;
    let too_large = |size: u64| SnapshotError::TooLarge {
        origin: origin.clone(),
        size_mib: size.div_ceil(1 << 20),
        limit_mib: max_bytes >> 20,
    };
    let size = file.metadata().map_err(read_err)?.len();
    if size > max_bytes {
        return Err(too_large(size));
    }
    // The file may grow while being read (or be a pipe): never read past the cap.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Parses and validates a snapshot from `bytes`; `origin` names it in errors.
///
/// A leading UTF-8 byte-order mark is skipped. Errors name the JSON pointer of the offending
/// value; a document of another schema version is reported as such even when its first
/// difference from v1 is a type error.
pub fn from_slice(bytes: &[u8], origin: &str) -> Result<Snapshot, SnapshotError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (skipped, bytes) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, bytes),
    };
    let text = std::str::from_utf8(bytes).map_err(|e| SnapshotError::NotUtf8 {
        origin: origin.to_string(),
        offset: skipped + e.valid_up_to(),
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let json_error = |path: String, e: serde_json::Error| SnapshotError::Json {
        origin: origin.to_string(),
        path,
        message: strip_position(&e.to_string()),
        line: e.line(),
        column: e.column(),
    };
    let mut snapshot: Snapshot = match serde_path_to_error::deserialize(&mut de) {
        Ok(s) => s,
        Err(e) => {
            if let Some(other) = other_schema(text) {
                return Err(wrong_schema(origin, &other));
            }
            let path = pointer(e.path());
            return Err(json_error(path, e.into_inner()));
        }
    };
    // Trailing characters after the document.
    de.end().map_err(|e| json_error("/".into(), e))?;
    validate(&mut snapshot, origin)?;
    Ok(snapshot)
}

/// The `schema` of a document that failed to parse, if it is well-formed JSON declaring a
/// schema other than v1 (only called on the error path: it parses the text a second time).
fn other_schema(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Probe {
        schema: Option<String>,
    }
    serde_json::from_str::<Probe>(text)
        .ok()?
        .schema
        .filter(|s| s != SCHEMA_V1)
}

fn wrong_schema(origin: &str, found: &str) -> SnapshotError {
    SnapshotError::Invalid {
        origin: origin.to_string(),
        path: "/schema".into(),
        message: format!("unsupported snapshot schema `{found}`; this posture reads `{SCHEMA_V1}`"),
    }
}

/// The JSON pointer (RFC 6901) of a serde path, e.g. `/principals/2/mfa_enabled`; `/` for the
/// document itself. A segment serde cannot name ends the pointer at its known ancestor.
pub(crate) fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path {
        let token = match seg {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => escape(key),
            Segment::Enum { variant } => escape(variant),
            Segment::Unknown => break,
        };
        out.push('/');
        out.push_str(&token);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Escapes one JSON pointer reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// serde_json appends " at line L column C"; the error carries those separately.
pub(crate) fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// What validation needs from each entity.
trait Entity {
    /// JSON key of the field that identifies the entity within its kind and account.
    const ID_FIELD: &'static str;
    fn id(&self) -> &str;
    fn account(&self) -> &str;
    fn account_mut(&mut self) -> &mut String;
}

macro_rules! entity {
    ($($ty:ident => $id:ident),* $(,)?) => {$(
        impl Entity for super::$ty {
            const ID_FIELD: &'static str = stringify!($id);
            fn id(&self) -> &str { &self.$id }
            fn account(&self) -> &str { &self.account }
            fn account_mut(&mut self) -> &mut String { &mut self.account }
        }
    )*};
}

entity!(
    Principal => id, Group => id, Grant => id, Storage => id, DataStore => id, AuditLog => id,
    BackupPlan => id, ProtectedResource => resource_id, Key => id, Share => id,
    TenantSettings => service,
);

fn validate(s: &mut Snapshot, origin: &str) -> Result<(), SnapshotError> {
    let invalid = |path: String, message: String| SnapshotError::Invalid {
        origin: origin.to_string(),
        path,
        message,
    };
    if s.schema != SCHEMA_V1 {
        return Err(wrong_schema(origin, &s.schema));
    }
    if s.accounts.is_empty() {
        return Err(invalid(
            "/accounts".into(),
            "at least one account is required".into(),
        ));
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, a) in s.accounts.iter().enumerate() {
        if a.id.is_empty() {
            return Err(invalid(
                format!("/accounts/{i}/id"),
                "empty account id".into(),
            ));
        }
        if let Some(first) = ids.insert(&a.id, i) {
            return Err(invalid(
                format!("/accounts/{i}/id"),
                format!(
                    "account `{}` is already declared at /accounts/{first}",
                    a.id
                ),
            ));
        }
    }
    let accounts: Vec<&str> = s.accounts.iter().map(|a| a.id.as_str()).collect();
    let v = Validator {
        accounts: &accounts,
        origin,
    };
    v.list(EntityKind::Principals, &mut s.principals)?;
    v.list(EntityKind::Groups, &mut s.groups)?;
    v.list(EntityKind::Grants, &mut s.grants)?;
    v.list(EntityKind::Storage, &mut s.storage)?;
    v.list(EntityKind::DataStores, &mut s.data_stores)?;
    v.list(EntityKind::AuditLogs, &mut s.audit_logs)?;
    v.list(EntityKind::BackupPlans, &mut s.backup_plans)?;
    v.list(EntityKind::ProtectedResources, &mut s.protected_resources)?;
    v.list(EntityKind::Keys, &mut s.keys)?;
    v.list(EntityKind::Shares, &mut s.shares)?;
    v.list(EntityKind::TenantSettings, &mut s.tenant_settings)?;
    Ok(())
}

struct Validator<'a> {
    accounts: &'a [&'a str],
    origin: &'a str,
}

impl Validator<'_> {
    fn invalid(&self, path: String, message: String) -> SnapshotError {
        SnapshotError::Invalid {
            origin: self.origin.to_string(),
            path,
            message,
        }
    }

    /// Fills omitted accounts (single-account snapshots), rejects undeclared accounts, empty
    /// ids and ids used twice within the kind and account.
    fn list<T: Entity>(
        &self,
        kind: EntityKind,
        items: &mut Option<Vec<T>>,
    ) -> Result<(), SnapshotError> {
        let Some(items) = items else { return Ok(()) };
        let key = kind.json_key();
        for (i, item) in items.iter_mut().enumerate() {
            if item.id().is_empty() {
                return Err(self.invalid(
                    format!("/{key}/{i}/{}", T::ID_FIELD),
                    format!("`{}` must not be empty", T::ID_FIELD),
                ));
            }
            let account = item.account_mut();
            if account.is_empty() {
                match self.accounts {
                    [only] => *account = (*only).to_string(),
                    _ => {
                        return Err(self.invalid(
                            format!("/{key}/{i}/account"),
                            format!(
                                "`account` is required when the snapshot declares {} accounts",
                                self.accounts.len()
                            ),
                        ));
                    }
                }
            } else if !self.accounts.contains(&account.as_str()) {
                return Err(self.invalid(
                    format!("/{key}/{i}/account"),
                    format!("account `{account}` is not declared in /accounts"),
                ));
            }
        }
        let mut seen: HashMap<(&str, &str), usize> = HashMap::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(first) = seen.insert((item.account(), item.id()), i) {
                return Err(self.invalid(
                    format!("/{key}/{i}/{}", T::ID_FIELD),
                    format!(
                        "duplicate {} `{}` in account `{}`: already used at /{key}/{first}/{}",
                        T::ID_FIELD,
                        item.id(),
                        item.account(),
                        T::ID_FIELD,
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "schema": "posture.snapshot/v1",
        "captured_at": "2026-11-20T09:00:00Z",
        "accounts": [{"id": "111122223333", "provider": "aws"}],
        "principals": [
            {"id": "u1", "kind": "user", "name": "Ann", "admin": true, "mfa_enabled": true,
             "last_sign_in": "2026-11-01T08:00:00Z", "future_field": {"x": 1},
             "attributes": {"arn": "arn:aws:iam::111122223333:user/ann"}},
            {"id": "u2", "kind": "service", "name": "ci"}
        ],
        "keys": []
    }"#;

    fn err(json: &str) -> SnapshotError {
        from_slice(json.as_bytes(), "snap.json").expect_err("must fail")
    }

    #[test]
    fn minimal_snapshot_loads_and_fills_the_single_account() {
        let s = from_slice(MINIMAL.as_bytes(), "snap.json").expect("loads");
        let p = s.principals().expect("present");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].account, "111122223333");
        assert_eq!(p[0].mfa_enabled, Some(true));
        assert_eq!(
            p[1].mfa_enabled, None,
            "missing option is unknown, not false"
        );
        assert!(p[1].credentials.is_empty());
        assert_eq!(
            p[0].attributes.as_deref(),
            Some(r#"{"arn": "arn:aws:iam::111122223333:user/ann"}"#)
        );
        assert_eq!(s.count(EntityKind::Keys), Some(0), "present and empty");
        assert_eq!(s.count(EntityKind::Shares), None, "absent");
    }

    #[test]
    fn bom_is_accepted() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(MINIMAL.as_bytes());
        assert!(from_slice(&bytes, "bom.json").is_ok());
    }

    #[test]
    fn wrong_type_names_the_json_path() {
        let e = err(&MINIMAL.replace(r#""mfa_enabled": true"#, r#""mfa_enabled": "yes""#));
        assert_eq!(e.json_path(), Some("/principals/0/mfa_enabled"));
        let msg = e.to_string();
        assert!(
            msg.starts_with("snap.json: /principals/0/mfa_enabled: invalid type"),
            "{msg}"
        );
        assert!(msg.contains("line 6"), "{msg}");
    }

    #[test]
    fn bad_timestamp_and_bad_enum_name_their_paths() {
        let e = err(&MINIMAL.replace("2026-11-01T08:00:00Z", "last tuesday"));
        assert_eq!(e.json_path(), Some("/principals/0/last_sign_in"));
        let e = err(&MINIMAL.replace(r#""kind": "service""#, r#""kind": "robot""#));
        assert_eq!(e.json_path(), Some("/principals/1/kind"));
        assert!(e.to_string().contains("robot"));
    }

    #[test]
    fn attributes_must_be_an_object() {
        let e = err(&MINIMAL.replace(
            r#""attributes": {"arn": "arn:aws:iam::111122223333:user/ann"}"#,
            r#""attributes": [1, 2]"#,
        ));
        assert_eq!(e.json_path(), Some("/principals/0/attributes"));
    }

    #[test]
    fn malformed_non_utf8_and_trailing_garbage_are_clear_errors() {
        let e = err(&MINIMAL[..MINIMAL.len() / 2]);
        assert!(matches!(e, SnapshotError::Json { .. }), "{e}");
        let e = from_slice(b"{\"schema\": \"\xff\"}", "bin.json").expect_err("non-utf8");
        assert!(e.to_string().contains("not UTF-8"), "{e}");
        let e = err(&format!("{MINIMAL} x"));
        assert!(e.to_string().contains("trailing"), "{e}");
    }

    #[test]
    fn schema_version_and_accounts_are_validated() {
        let e = err(&MINIMAL.replace("posture.snapshot/v1", "posture.snapshot/v9"));
        assert_eq!(e.json_path(), Some("/schema"));
        let e = err(&MINIMAL.replace(
            r#""id": "u2", "kind""#,
            r#""id": "u2", "account": "999", "kind""#,
        ));
        assert_eq!(e.json_path(), Some("/principals/1/account"));
        let two = MINIMAL.replace(
            r#"[{"id": "111122223333", "provider": "aws"}]"#,
            r#"[{"id": "111122223333", "provider": "aws"}, {"id": "t", "provider": "m365"}]"#,
        );
        let e = err(&two);
        assert_eq!(e.json_path(), Some("/principals/0/account"));
    }

    #[test]
    fn duplicate_ids_are_rejected_with_both_paths() {
        let e = err(&MINIMAL.replace(r#""id": "u2""#, r#""id": "u1""#));
        assert_eq!(e.json_path(), Some("/principals/1/id"));
        assert!(e.to_string().contains("/principals/0/id"), "{e}");
        // Ids are scoped to their account: the same id in two accounts is fine.
        let two = MINIMAL
            .replace(
                r#"[{"id": "111122223333", "provider": "aws"}]"#,
                r#"[{"id": "111122223333", "provider": "aws"}, {"id": "t", "provider": "m365"}]"#,
            )
            .replace(
                r#""id": "u1", "kind""#,
                r#""id": "u1", "account": "t", "kind""#,
            )
            .replace(
                r#""id": "u2", "kind""#,
                r#""id": "u1", "account": "111122223333", "kind""#,
            );
        assert!(from_slice(two.as_bytes(), "snap.json").is_ok());
        // Tenant settings are identified by their service.
        let e = err(&MINIMAL.replace(
            r#""keys": []"#,
            r#""tenant_settings": [{"service": "aws-s3"}, {"service": "aws-s3"}]"#,
        ));
        assert_eq!(e.json_path(), Some("/tenant_settings/1/service"));
    }

    #[test]
    fn empty_ids_and_empty_accounts_are_rejected() {
        let e = err(&MINIMAL.replace(r#""id": "u2""#, r#""id": """#));
        assert_eq!(e.json_path(), Some("/principals/1/id"));
        let e = err(&MINIMAL.replace(
            r#""id": "u2", "kind""#,
            r#""id": "u2", "account": "", "kind""#,
        ));
        assert_eq!(e.json_path(), Some("/principals/1/account"));
        let e = err(&MINIMAL.replace(r#""id": "111122223333""#, r#""id": """#));
        assert_eq!(e.json_path(), Some("/accounts/0/id"));
        let e = err(&MINIMAL.replace(
            r#"[{"id": "111122223333", "provider": "aws"}]"#,
            r#"[{"id": "111122223333", "provider": "aws"}, {"id": "111122223333", "provider": "aws"}]"#,
        ));
        assert_eq!(e.json_path(), Some("/accounts/1/id"));
        let e = err(&MINIMAL.replace(r#"[{"id": "111122223333", "provider": "aws"}]"#, "[]"));
        assert_eq!(e.json_path(), Some("/accounts"));
    }

    #[test]
    fn unknown_fields_are_ignored_everywhere() {
        let json = MINIMAL
            .replace(
                r#""schema":"#,
                r#""exporter": {"name": "x", "nested": [1, {"a": null}]}, "schema":"#,
            )
            .replace(
                r#"{"id": "111122223333", "provider": "aws"}"#,
                r#"{"id": "111122223333", "provider": "aws", "partition": "aws"}"#,
            );
        let s = from_slice(json.as_bytes(), "snap.json").expect("loads");
        assert_eq!(
            s,
            from_slice(MINIMAL.as_bytes(), "snap.json").expect("loads")
        );
    }

    #[test]
    fn another_schema_version_is_reported_before_type_errors() {
        // A v2 document whose first difference is a type error still says "unsupported schema".
        let v2 = MINIMAL
            .replace("posture.snapshot/v1", "posture.snapshot/v2")
            .replace(
                r#""mfa_enabled": true"#,
                r#""mfa_enabled": {"state": "on"}"#,
            );
        let e = err(&v2);
        assert_eq!(e.json_path(), Some("/schema"), "{e}");
        assert!(e.to_string().contains("posture.snapshot/v2"), "{e}");
        let e = err(&MINIMAL.replace(r#""schema": "posture.snapshot/v1","#, ""));
        assert!(e.to_string().contains("missing field `schema`"), "{e}");
    }

    #[test]
    fn json_pointers_escape_keys() {
        // A syntax error inside an ignored field still names where it is, RFC 6901-escaped.
        let e = err(&MINIMAL.replace(r#""future_field": {"x": 1}"#, r#""a/b~c": [1, ]"#));
        assert_eq!(e.json_path(), Some("/principals/0/a~1b~0c"), "{e}");
        // The document itself.
        let e = err("[]");
        assert_eq!(e.json_path(), Some("/"), "{e}");
    }

    #[test]
    fn non_utf8_offset_counts_the_bom() {
        let e = from_slice(b"\xEF\xBB\xBF{\xff}", "bin.json").expect_err("non-UTF-8");
        assert!(matches!(e, SnapshotError::NotUtf8 { offset: 4, .. }), "{e}");
    }

    #[test]
    fn serialising_and_reloading_gives_the_same_snapshot() {
        let s = from_slice(MINIMAL.as_bytes(), "snap.json").expect("loads");
        let json = serde_json::to_string_pretty(&s).expect("serialises");
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(v["captured_at"], "2026-11-20T09:00:00Z");
        assert_eq!(v["principals"][0]["last_sign_in"], "2026-11-01T08:00:00Z");
        assert_eq!(
            v["principals"][0]["attributes"]["arn"], "arn:aws:iam::111122223333:user/ann",
            "attributes are written back as an object, not a string"
        );
        assert_eq!(
            v["keys"],
            serde_json::json!([]),
            "present-but-empty stays present"
        );
        assert!(v.get("shares").is_none(), "absent stays absent");
        let again = from_slice(json.as_bytes(), "round-trip.json").expect("reloads");
        assert_eq!(again, s);
    }

    fn example(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/snapshots")
            .join(name)
    }

    #[test]
    fn the_example_snapshot_loads_with_every_kind() {
        let s = load(&example("acme.json")).expect("examples/snapshots/acme.json loads");
        for kind in EntityKind::ALL {
            assert!(s.count(kind).unwrap_or(0) > 0, "acme.json lacks {kind}");
        }
        // The admin-mfa cases listed in examples/snapshots/README.md.
        let p = s.principals().unwrap_or_default();
        let find = |id: &str| p.iter().find(|p| p.id == id).expect(id);
        let root = find("aws-root");
        assert_eq!(
            (root.kind, root.mfa_enabled),
            (crate::snapshot::PrincipalKind::Root, Some(false))
        );
        assert_eq!(find("AIDAACMETOM").mfa_enabled, Some(false));
        assert_eq!(find("u-ben").admin, Some(true));
        assert_eq!(find("u-ben").mfa_enabled, None);
        let old = find("AIDAACMEOLD");
        assert_eq!(old.status, Some(crate::snapshot::AccountStatus::Disabled));
        assert_eq!((old.admin, old.mfa_enabled), (Some(true), Some(false)));
    }

    #[test]
    fn the_wrong_type_example_fails_at_its_documented_path() {
        let e = load(&example("wrong-type.json")).expect_err("wrong-type.json must not load");
        assert_eq!(e.json_path(), Some("/principals/1/mfa_enabled"), "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains(r#"/principals/1/mfa_enabled: invalid type: string "yes", expected a boolean (line "#),
            "{msg}"
        );
    }
}
