//! What a finding may be about: the evidence rule of the sandbox.
//!
//! A plugin can only vouch for what it could read. A finding's resource must be one of:
//!
//! - an entity of a kind its check declares in `reads` that is in the snapshot (`principal`,
//!   `group`, `grant`, `storage`, `data-store`, `audit-log`, `backup-plan`, `key`, `share`,
//!   `tenant-settings` by service), or a resource covered by backups (its own kind and id)
//!   when the check reads `protected-resources`;
//! - a `credential` of a principal, when the check reads `principals`;
//! - one of the snapshot's `account`s;
//! - the `snapshot` itself, only for a not-evaluable or error finding (data not collected);
//! - the `check` itself (id = the check id), only for an error finding.
//!
//! A resource naming an `account` must name one the snapshot covers. Anything else makes the
//! plugin's whole result a contract violation: a plugin cannot add passing evidence about
//! things that do not exist, or about another check's data.

use crate::contract::bindings::wit;
use crate::model::EntityKind;
use crate::snapshot::Snapshot;
use std::collections::{HashMap, HashSet};

/// The resource kinds naming one entity kind's entities, with that kind.
const ENTITY_KINDS: [(&str, EntityKind); 10] = [
    ("principal", EntityKind::Principals),
    ("group", EntityKind::Groups),
    ("grant", EntityKind::Grants),
    ("storage", EntityKind::Storage),
    ("data-store", EntityKind::DataStores),
    ("audit-log", EntityKind::AuditLogs),
    ("backup-plan", EntityKind::BackupPlans),
    ("key", EntityKind::Keys),
    ("share", EntityKind::Shares),
    ("tenant-settings", EntityKind::TenantSettings),
];

/// The ids of the snapshot's entities, indexed on first use (one scan of a list per kind a
/// plugin's findings name).
pub(super) struct Subjects<'a> {
    snapshot: &'a Snapshot,
    accounts: HashSet<&'a str>,
    ids: HashMap<&'static str, HashSet<&'a str>>,
    protected: Option<HashSet<(&'a str, &'a str)>>,
}

impl<'a> Subjects<'a> {
    /// An index over `snapshot`.
    pub(super) fn new(snapshot: &'a Snapshot) -> Subjects<'a> {
        Subjects {
            snapshot,
            accounts: snapshot.accounts.iter().map(|a| a.id.as_str()).collect(),
            ids: HashMap::new(),
            protected: None,
        }
    }

    /// Why `f`, from a check reading `reads`, is about something it could not have read;
    /// `None` when it may be reported.
    pub(super) fn refuse(&mut self, f: &wit::Finding, reads: &[EntityKind]) -> Option<String> {
        let r = &f.resource;
        let about = || format!("{} `{}`", r.kind, r.id);
        if let Some(account) = &r.account
            && !self.accounts.contains(account.as_str())
        {
            return Some(format!(
                "names account `{account}`, which the snapshot does not cover"
            ));
        }
        let allowed = match r.kind.as_str() {
            "snapshot" => {
                return (!matches!(f.status, wit::Status::NotEvaluable | wit::Status::Error))
                    .then(|| "reports on the snapshot itself with a status other than not-evaluable or error".to_string());
            }
            "check" => {
                return (f.status != wit::Status::Error || r.id != f.check_id).then(|| {
                    "reports on a check, which only an error finding about its own check may do"
                        .to_string()
                });
            }
            "account" => self.accounts.contains(r.id.as_str()),
            "credential" => {
                reads.contains(&EntityKind::Principals) && self.has("credential", &r.id)
            }
            kind => {
                let entity = ENTITY_KINDS
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .is_some_and(|(k, e)| reads.contains(e) && self.has(k, &r.id));
                entity
                    || (reads.contains(&EntityKind::ProtectedResources)
                        && self.protected().contains(&(kind, r.id.as_str())))
            }
        };
        (!allowed).then(|| {
            format!(
                "reports on {}, which is not in the snapshot among the kinds its check reads",
                about()
            )
        })
    }

    fn has(&mut self, kind: &'static str, id: &str) -> bool {
        let snapshot = self.snapshot;
        self.ids
            .entry(kind)
            .or_insert_with(|| ids_of(snapshot, kind))
            .contains(id)
    }

    fn protected(&mut self) -> &HashSet<(&'a str, &'a str)> {
        let snapshot = self.snapshot;
        self.protected.get_or_insert_with(|| {
            snapshot
                .protected_resources()
                .unwrap_or_default()
                .iter()
                .map(|p| (p.resource_kind.as_str(), p.resource_id.as_str()))
                .collect()
        })
    }
}

/// The ids of the entities a resource kind names.
fn ids_of<'a>(s: &'a Snapshot, kind: &str) -> HashSet<&'a str> {
    fn ids<'a, T>(list: Option<&'a [T]>, id: impl Fn(&'a T) -> &'a str) -> HashSet<&'a str> {
        list.unwrap_or_default().iter().map(id).collect()
    }
    match kind {
        "principal" => ids(s.principals(), |e| &e.id),
        "credential" => s
            .principals()
            .unwrap_or_default()
            .iter()
            .flat_map(|p| p.credentials.iter().map(|c| c.id.as_str()))
            .collect(),
        "group" => ids(s.groups(), |e| &e.id),
        "grant" => ids(s.grants(), |e| &e.id),
        "storage" => ids(s.storage(), |e| &e.id),
        "data-store" => ids(s.data_stores(), |e| &e.id),
        "audit-log" => ids(s.audit_logs(), |e| &e.id),
        "backup-plan" => ids(s.backup_plans(), |e| &e.id),
        "key" => ids(s.keys(), |e| &e.id),
        "share" => ids(s.shares(), |e| &e.id),
        "tenant-settings" => ids(s.tenant_settings(), |e| &e.service),
        _ => HashSet::new(),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Account `1`; principals `u1`–`u3` (u1 with access key `AK1`); bucket `b1`; a backed-up
    /// volume `vol-1`; keys not collected.
    pub(in crate::runtime) fn fixture() -> Snapshot {
        let json = r#"{
            "schema": "posture.snapshot/v1",
            "captured_at": "2026-01-01T00:00:00Z",
            "accounts": [{ "id": "1", "provider": "aws" }],
            "principals": [
                { "id": "u1", "name": "Ann", "kind": "user",
                  "credentials": [{ "id": "AK1", "kind": "access-key" }] },
                { "id": "u2", "name": "Bob", "kind": "user" },
                { "id": "u3", "name": "Cy", "kind": "user" }
            ],
            "storage": [{ "id": "b1", "name": "bucket", "kind": "bucket" }],
            "protected_resources": [
                { "resource_id": "vol-1", "resource_kind": "volume", "backed_up": true }
            ]
        }"#;
        crate::snapshot::from_slice(json.as_bytes(), "fixture").expect("fixture parses")
    }

    fn finding(status: wit::Status, kind: &str, id: &str, account: Option<&str>) -> wit::Finding {
        wit::Finding {
            check_id: "c".into(),
            status,
            resource: wit::ResourceRef {
                kind: kind.into(),
                id: id.into(),
                display_name: None,
                account: account.map(str::to_string),
            },
            message: String::new(),
            severity: None,
            evidence: Vec::new(),
        }
    }

    fn pass(kind: &str, id: &str) -> wit::Finding {
        finding(wit::Status::Pass, kind, id, Some("1"))
    }

    #[test]
    fn entities_its_check_reads_may_be_reported() {
        let s = fixture();
        let mut subjects = Subjects::new(&s);
        let people = [EntityKind::Principals];
        assert_eq!(subjects.refuse(&pass("principal", "u2"), &people), None);
        assert_eq!(subjects.refuse(&pass("credential", "AK1"), &people), None);
        assert_eq!(subjects.refuse(&pass("account", "1"), &[]), None);
        let backups = [EntityKind::ProtectedResources];
        assert_eq!(subjects.refuse(&pass("volume", "vol-1"), &backups), None);
        assert_eq!(
            subjects.refuse(&pass("storage", "b1"), &[EntityKind::Storage]),
            None
        );
    }

    #[test]
    fn things_not_in_the_snapshot_or_not_read_are_refused() {
        let s = fixture();
        let mut subjects = Subjects::new(&s);
        let people = [EntityKind::Principals];
        for (f, reads) in [
            // Does not exist.
            (pass("principal", "ghost"), &people[..]),
            (pass("credential", "AK9"), &people),
            (pass("account", "2"), &people),
            (pass("volume", "vol-2"), &[EntityKind::ProtectedResources]),
            // Exists, but the check does not read its kind.
            (pass("storage", "b1"), &people),
            (pass("principal", "u1"), &[EntityKind::Storage]),
            (pass("credential", "AK1"), &[EntityKind::Storage]),
            (pass("volume", "vol-1"), &people),
            // Unknown kinds.
            (pass("sandbox", "u1"), &people),
        ] {
            let why = subjects.refuse(&f, reads).expect("refused");
            assert!(why.contains(&format!("`{}`", f.resource.id)), "{why}");
        }
        let foreign = finding(wit::Status::Pass, "principal", "u1", Some("2"));
        let why = subjects.refuse(&foreign, &people).expect("refused");
        assert!(why.contains("account `2`"), "{why}");
    }

    #[test]
    fn the_snapshot_and_the_check_only_for_findings_without_a_verdict() {
        let s = fixture();
        let mut subjects = Subjects::new(&s);
        for status in [wit::Status::NotEvaluable, wit::Status::Error] {
            let f = finding(status, "snapshot", "keys", None);
            assert_eq!(subjects.refuse(&f, &[]), None);
        }
        for status in [wit::Status::Pass, wit::Status::Fail] {
            let f = finding(status, "snapshot", "keys", None);
            assert!(subjects.refuse(&f, &[]).is_some(), "{status:?}");
        }
        assert_eq!(
            subjects.refuse(&finding(wit::Status::Error, "check", "c", None), &[]),
            None
        );
        let other = finding(wit::Status::Error, "check", "d", None);
        assert!(subjects.refuse(&other, &[]).is_some());
        let pass = finding(wit::Status::Pass, "check", "c", None);
        assert!(subjects.refuse(&pass, &[]).is_some());
    }
}
