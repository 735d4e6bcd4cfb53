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
//! Entities are identified by account and id (ids are unique per account only): a resource
//! must name the entity's own account (it may omit it when the snapshot has one account).
//! A check may report on one resource once (credentials excepted: their ids are unique only
//! within a principal). Anything else makes the plugin's whole result a contract violation:
//! a plugin cannot add passing evidence about things that do not exist, about another
//! account's or another check's data, or count one resource many times.

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

/// An entity's identity: its account and id (ids are unique per account, not globally).
type Id<'a> = (&'a str, &'a str);

/// The identities of the snapshot's entities, indexed on first use (one scan of a list per
/// kind a plugin's findings name), and the findings already seen.
pub(super) struct Subjects<'a> {
    snapshot: &'a Snapshot,
    accounts: HashSet<&'a str>,
    /// The one account, when the snapshot declares exactly one (a resource may then omit it).
    only_account: Option<&'a str>,
    ids: HashMap<&'static str, HashSet<Id<'a>>>,
    protected: Option<HashSet<(&'a str, &'a str, &'a str)>>,
    seen: HashSet<(String, Option<String>, String, String)>,
}

impl<'a> Subjects<'a> {
    /// An index over `snapshot`.
    pub(super) fn new(snapshot: &'a Snapshot) -> Subjects<'a> {
        let accounts: HashSet<&str> = snapshot.accounts.iter().map(|a| a.id.as_str()).collect();
        let only_account = match snapshot.accounts.as_slice() {
            [one] => Some(one.id.as_str()),
            _ => None,
        };
        Subjects {
            snapshot,
            accounts,
            only_account,
            ids: HashMap::new(),
            protected: None,
            seen: HashSet::new(),
        }
    }

    /// Why `f`, from a check reading `reads`, is about something it could not have read, or
    /// repeats a finding already returned; `None` when it may be reported.
    pub(super) fn refuse(&mut self, f: &wit::Finding, reads: &[EntityKind]) -> Option<String> {
        let r = &f.resource;
        if let Some(account) = &r.account
            && !self.accounts.contains(account.as_str())
        {
            return Some(format!(
                "names account `{account}`, which the snapshot does not cover"
            ));
        }
        match r.kind.as_str() {
            "snapshot" => {
                return (!matches!(f.status, wit::Status::NotEvaluable | wit::Status::Error)).then(
                    || {
                        "reports on the snapshot itself with a status other than not-evaluable \
                         or error"
                            .to_string()
                    },
                );
            }
            "check" => {
                return (f.status != wit::Status::Error || r.id != f.check_id).then(|| {
                    "reports on a check, which only an error finding about its own check may do"
                        .to_string()
                });
            }
            _ => {}
        }
        // Which account the resource is in: as named, the account itself, or the snapshot's
        // only one.
        let own = (r.kind == "account").then_some(r.id.as_str());
        let Some(account) = r.account.as_deref().or(own).or(self.only_account) else {
            return Some(format!(
                "reports on {} `{}` without naming its account, in a snapshot of several",
                r.kind, r.id
            ));
        };
        let id = (account, r.id.as_str());
        let allowed = match r.kind.as_str() {
            "account" => r.id == account && self.accounts.contains(r.id.as_str()),
            "credential" => reads.contains(&EntityKind::Principals) && self.has("credential", id),
            kind => ENTITY_KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .is_some_and(|(k, e)| reads.contains(e) && self.has(k, id)),
        } || (reads.contains(&EntityKind::ProtectedResources)
            && self
                .protected()
                .contains(&(account, r.kind.as_str(), r.id.as_str())));
        if !allowed {
            return Some(format!(
                "reports on {} `{}` in account `{account}`, which is not in the snapshot among \
                 the kinds its check reads",
                r.kind, r.id
            ));
        }
        // Credential ids are only unique within a principal: the same id may be two things.
        let key = (
            f.check_id.clone(),
            Some(account.to_string()),
            r.kind.clone(),
            r.id.clone(),
        );
        if r.kind != "credential" && !self.seen.insert(key) {
            return Some(format!(
                "reports on {} `{}` in account `{account}` more than once",
                r.kind, r.id
            ));
        }
        None
    }

    fn has(&mut self, kind: &'static str, id: Id<'_>) -> bool {
        let snapshot = self.snapshot;
        self.ids
            .entry(kind)
            .or_insert_with(|| ids_of(snapshot, kind))
            .contains(&id)
    }

    fn protected(&mut self) -> &HashSet<(&'a str, &'a str, &'a str)> {
        let snapshot = self.snapshot;
        self.protected.get_or_insert_with(|| {
            snapshot
                .protected_resources()
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    (
                        p.account.as_str(),
                        p.resource_kind.as_str(),
                        p.resource_id.as_str(),
                    )
                })
                .collect()
        })
    }
}

/// The identities of the entities a resource kind names.
fn ids_of<'a>(s: &'a Snapshot, kind: &str) -> HashSet<Id<'a>> {
    fn ids<'a, T>(list: Option<&'a [T]>, id: impl Fn(&'a T) -> Id<'a>) -> HashSet<Id<'a>> {
        list.unwrap_or_default().iter().map(id).collect()
    }
    match kind {
        "principal" => ids(s.principals(), |e| (&e.account, &e.id)),
        "credential" => s
            .principals()
            .unwrap_or_default()
            .iter()
            .flat_map(|p| {
                p.credentials
                    .iter()
                    .map(|c| (p.account.as_str(), c.id.as_str()))
            })
            .collect(),
        "group" => ids(s.groups(), |e| (&e.account, &e.id)),
        "grant" => ids(s.grants(), |e| (&e.account, &e.id)),
        "storage" => ids(s.storage(), |e| (&e.account, &e.id)),
        "data-store" => ids(s.data_stores(), |e| (&e.account, &e.id)),
        "audit-log" => ids(s.audit_logs(), |e| (&e.account, &e.id)),
        "backup-plan" => ids(s.backup_plans(), |e| (&e.account, &e.id)),
        "key" => ids(s.keys(), |e| (&e.account, &e.id)),
        "share" => ids(s.shares(), |e| (&e.account, &e.id)),
        "tenant-settings" => ids(s.tenant_settings(), |e| (&e.account, &e.service)),
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

    /// Two accounts, `1` and `2`; principal `u1` in `1` only, `u2` in both.
    fn two_accounts() -> Snapshot {
        let json = r#"{
            "schema": "posture.snapshot/v1",
            "captured_at": "2026-01-01T00:00:00Z",
            "accounts": [{ "id": "1", "provider": "aws" }, { "id": "2", "provider": "aws" }],
            "principals": [
                { "id": "u1", "account": "1", "name": "Ann", "kind": "user" },
                { "id": "u2", "account": "1", "name": "Bob", "kind": "user" },
                { "id": "u2", "account": "2", "name": "Bob", "kind": "user" }
            ]
        }"#;
        crate::snapshot::from_slice(json.as_bytes(), "two").expect("parses")
    }

    #[test]
    fn entities_are_identified_by_account_and_id() {
        let s = two_accounts();
        let mut subjects = Subjects::new(&s);
        let people = [EntityKind::Principals];
        let at =
            |id: &str, account: Option<&str>| finding(wit::Status::Pass, "principal", id, account);
        assert_eq!(subjects.refuse(&at("u1", Some("1")), &people), None);
        assert_eq!(subjects.refuse(&at("u2", Some("2")), &people), None);
        let why = subjects
            .refuse(&at("u1", Some("2")), &people)
            .expect("not in 2");
        assert!(why.contains("`u1` in account `2`"), "{why}");
        let why = subjects
            .refuse(&at("u2", None), &people)
            .expect("which account?");
        assert!(why.contains("without naming its account"), "{why}");
        // With one account, the account may be left out.
        let one = fixture();
        let mut subjects = Subjects::new(&one);
        assert_eq!(subjects.refuse(&at("u1", None), &people), None);
    }

    #[test]
    fn a_check_reports_on_a_resource_once() {
        let s = fixture();
        let mut subjects = Subjects::new(&s);
        let people = [EntityKind::Principals];
        assert_eq!(subjects.refuse(&pass("principal", "u1"), &people), None);
        let why = subjects
            .refuse(&pass("principal", "u1"), &people)
            .expect("twice");
        assert!(why.contains("more than once"), "{why}");
        // Another check may report on it too.
        let mut other = pass("principal", "u1");
        other.check_id = "d".into();
        assert_eq!(subjects.refuse(&other, &people), None);
        // Credentials may repeat: their ids are unique within a principal only.
        for _ in 0..2 {
            assert_eq!(subjects.refuse(&pass("credential", "AK1"), &people), None);
        }
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
