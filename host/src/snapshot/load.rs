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
    use std::io::Read;
    let origin = path.display().to_string();
    let read_err = |source| SnapshotError::Read {
        origin: origin.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
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
    from_slice(&bytes, &origin)
}

/// Parses and validates a snapshot from `bytes`; `origin` names it in errors.
pub fn from_slice(bytes: &[u8], origin: &str) -> Result<Snapshot, SnapshotError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| SnapshotError::NotUtf8 {
        origin: origin.to_string(),
        offset: e.valid_up_to(),
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let json_error = |path: String, e: serde_json::Error| SnapshotError::Json {
        origin: origin.to_string(),
        path,
        message: strip_position(&e.to_string()),
        line: e.line(),
        column: e.column(),
    };
    let mut snapshot: Snapshot = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = pointer(&e.path().to_string());
        json_error(path, e.into_inner())
    })?;
    // Trailing characters after the document.
    de.end().map_err(|e| json_error("/".into(), e))?;
    validate(&mut snapshot, origin)?;
    Ok(snapshot)
}

/// Turns serde_path_to_error's `principals[2].mfa_enabled` into `/principals/2/mfa_enabled`.
fn pointer(dotted: &str) -> String {
    if dotted == "." || dotted.is_empty() {
        return "/".into();
    }
    let mut out = String::new();
    for seg in dotted.split('.') {
        let mut rest = seg;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push('/');
                out.push_str(&rest[..i]);
            }
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                out.push('/');
                out.push_str(&rest[1..end]);
                rest = &rest[end + 1..];
            }
        } else {
            out.push('/');
            out.push_str(rest);
        }
    }
    out
}

/// serde_json appends " at line L column C"; the error carries those separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// What validation needs from each entity.
trait Entity {
    fn id(&self) -> &str;
    fn account_mut(&mut self) -> &mut String;
}

macro_rules! entity {
    ($($ty:ident => $id:ident),* $(,)?) => {$(
        impl Entity for super::$ty {
            fn id(&self) -> &str { &self.$id }
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
        return Err(invalid(
            "/schema".into(),
            format!(
                "unsupported snapshot schema `{}`; this posture reads `{SCHEMA_V1}`",
                s.schema
            ),
        ));
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
    let accounts: Vec<String> = s.accounts.iter().map(|a| a.id.clone()).collect();
    let check = |kind: EntityKind, items: &mut Option<Vec<_>>| -> Result<(), SnapshotError> {
        check_list(kind, items, &accounts, origin)
    };
    check(EntityKind::Principals, &mut s.principals)?;
    check_list(EntityKind::Groups, &mut s.groups, &accounts, origin)?;
    check_list(EntityKind::Grants, &mut s.grants, &accounts, origin)?;
    check_list(EntityKind::Storage, &mut s.storage, &accounts, origin)?;
    check_list(
        EntityKind::DataStores,
        &mut s.data_stores,
        &accounts,
        origin,
    )?;
    check_list(EntityKind::AuditLogs, &mut s.audit_logs, &accounts, origin)?;
    check_list(
        EntityKind::BackupPlans,
        &mut s.backup_plans,
        &accounts,
        origin,
    )?;
    check_list(
        EntityKind::ProtectedResources,
        &mut s.protected_resources,
        &accounts,
        origin,
    )?;
    check_list(EntityKind::Keys, &mut s.keys, &accounts, origin)?;
    check_list(EntityKind::Shares, &mut s.shares, &accounts, origin)?;
    check_list(
        EntityKind::TenantSettings,
        &mut s.tenant_settings,
        &accounts,
        origin,
    )?;
    Ok(())
}

/// Fills omitted accounts (single-account snapshots), rejects unknown accounts and duplicate
/// ids within the kind (per account).
fn check_list<T: Entity>(
    kind: EntityKind,
    items: &mut Option<Vec<T>>,
    accounts: &[String],
    origin: &str,
) -> Result<(), SnapshotError> {
    let Some(items) = items else { return Ok(()) };
    let key = kind.json_key();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (i, item) in items.iter_mut().enumerate() {
        let account = item.account_mut();
        if account.is_empty() {
            match accounts {
                [only] => *account = only.clone(),
                _ => {
                    return Err(SnapshotError::Invalid {
                        origin: origin.to_string(),
                        path: format!("/{key}/{i}/account"),
                        message: format!(
                            "`account` is required when the snapshot declares {} accounts",
                            accounts.len()
                        ),
                    });
                }
            }
        } else if !accounts.iter().any(|a| a == account) {
            return Err(SnapshotError::Invalid {
                origin: origin.to_string(),
                path: format!("/{key}/{i}/account"),
                message: format!("account `{account}` is not declared in /accounts"),
            });
        }
        let id_key = (item.account_mut().clone(), item.id().to_string());
        if let Some(first) = seen.insert(id_key, i) {
            return Err(SnapshotError::Invalid {
                origin: origin.to_string(),
                path: format!("/{key}/{i}"),
                message: format!(
                    "duplicate id `{}`: already used at /{key}/{first}",
                    item.id()
                ),
            });
        }
    }
    Ok(())
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
        assert_eq!(e.json_path(), Some("/principals/1"));
        assert!(e.to_string().contains("/principals/0"), "{e}");
    }

    #[test]
    fn pointer_conversion() {
        assert_eq!(
            pointer("principals[2].mfa_enabled"),
            "/principals/2/mfa_enabled"
        );
        assert_eq!(pointer("."), "/");
        assert_eq!(pointer("accounts[0]"), "/accounts/0");
    }
}
