//! Native test harness: build a snapshot in memory, run a plugin's check on it with a chosen
//! `now` and parameters, and check a plugin's metadata for completeness. No WebAssembly.

use crate::bindings::posture::plugin::types::*;
use crate::check::Plugin;
use crate::snapshot::{MemorySource, Snapshot};

/// Account id given to entities made by the constructors below.
pub const ACCOUNT: &str = "test-account";

/// A fixed "now" for tests: 2026-11-22T12:00:00Z.
pub const NOW: Timestamp = 1_795_348_800;

/// Seconds in a day.
pub const DAY: Timestamp = 86_400;

/// Builds an in-memory [`Snapshot`]; kinds never set stay absent.
#[derive(Default)]
pub struct SnapshotBuilder {
    source: MemorySource,
}

macro_rules! setters {
    ($($field:ident: $ty:ident),* $(,)?) => {
        impl SnapshotBuilder {
            $(
                #[doc = concat!("Sets the `", stringify!($field), "` list (present, possibly empty).")]
                pub fn $field(mut self, items: Vec<$ty>) -> SnapshotBuilder {
                    self.source.$field = Some(items);
                    self
                }
            )*
        }
    };
}

setters!(
    principals: Principal,
    groups: Group,
    grants: Grant,
    storage: Storage,
    data_stores: DataStore,
    audit_logs: AuditLog,
    backup_plans: BackupPlan,
    protected_resources: ProtectedResource,
    keys: Key,
    shares: Share,
    tenant_settings: TenantSettings,
);

impl SnapshotBuilder {
    /// An empty builder (every kind absent).
    pub fn new() -> SnapshotBuilder {
        SnapshotBuilder::default()
    }

    /// The snapshot.
    pub fn build(self) -> Snapshot {
        Snapshot::new(Box::new(self.source))
    }
}

/// Runs check `check_id` of `plugin` on `snap` at [`NOW`] with parameter overrides (others take
/// their defaults), exactly as `evaluate` would in a component.
///
/// # Panics
/// If the plugin has no such check (a test bug).
#[allow(clippy::panic)]
pub fn run(
    plugin: &Plugin,
    check_id: &str,
    snap: &Snapshot,
    params: &[(&str, ParamValue)],
) -> Vec<Finding> {
    run_at(plugin, check_id, snap, NOW, params)
}

/// [`run`] with an explicit `now`.
pub fn run_at(
    plugin: &Plugin,
    check_id: &str,
    snap: &Snapshot,
    now: Timestamp,
    params: &[(&str, ParamValue)],
) -> Vec<Finding> {
    evaluate(plugin, check_id, snap, now, "test", params)
}

/// [`run`] with the test account ([`ACCOUNT`]) declared as belonging to `provider`
/// (`aws`, `m365`, …), for checks that evaluate per account of a provider.
pub fn run_as(
    plugin: &Plugin,
    check_id: &str,
    snap: &Snapshot,
    provider: &str,
    params: &[(&str, ParamValue)],
) -> Vec<Finding> {
    evaluate(plugin, check_id, snap, NOW, provider, params)
}

#[allow(clippy::panic)]
fn evaluate(
    plugin: &Plugin,
    check_id: &str,
    snap: &Snapshot,
    now: Timestamp,
    provider: &str,
    params: &[(&str, ParamValue)],
) -> Vec<Finding> {
    let ctx = EvaluationContext {
        now,
        captured_at: now,
        accounts: vec![Account {
            id: ACCOUNT.into(),
            provider: provider.into(),
            name: None,
        }],
        checks: vec![CheckRequest {
            check_id: check_id.to_string(),
            params: params
                .iter()
                .map(|(n, v)| Param {
                    name: n.to_string(),
                    value: v.clone(),
                })
                .collect(),
        }],
    };
    match plugin.evaluate(ctx, snap) {
        Ok(f) => f,
        Err(e) => panic!("{}", e.message),
    }
}

/// `(resource id, status)` of each finding, in order: the usual thing to assert.
pub fn outcomes(findings: Vec<Finding>) -> Vec<(String, Status)> {
    findings
        .into_iter()
        .map(|f| (f.resource.id, f.status))
        .collect()
}

/// Problems with a plugin's metadata: empty texts, ids not prefixed with their domain,
/// duplicate ids, checks without controls or without declared reads. Empty = complete.
pub fn metadata_problems(plugin: &Plugin) -> Vec<String> {
    let mut out = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for c in &plugin.checks {
        let m = &c.metadata;
        if !ids.insert(m.id.clone()) {
            out.push(format!("{}: duplicate id", m.id));
        }
        if !m.id.starts_with(&format!("{}.", m.domain)) {
            out.push(format!(
                "{}: id does not start with its domain `{}`",
                m.id, m.domain
            ));
        }
        for (what, text) in [
            ("title", &m.title),
            ("description", &m.description),
            ("rationale", &m.rationale),
            ("remediation", &m.remediation),
        ] {
            if text.trim().is_empty() {
                out.push(format!("{}: empty {what}", m.id));
            }
        }
        if m.controls.is_empty() {
            out.push(format!("{}: no compliance controls", m.id));
        }
        if m.reads.is_empty() {
            out.push(format!("{}: declares no entity kinds read", m.id));
        }
        for p in &c.providers {
            let id_like = !p.is_empty()
                && p.len() <= 64
                && p.chars().all(|ch| {
                    ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '-' | '_' | '.')
                });
            if !id_like {
                out.push(format!(
                    "{}: provider `{p}` is not a lowercase provider id such as `aws`",
                    m.id
                ));
            }
        }
    }
    out
}

/// A user principal with every optional field unknown and every list empty.
pub fn principal(id: &str, name: &str) -> Principal {
    Principal {
        id: id.into(),
        account: ACCOUNT.into(),
        kind: PrincipalKind::User,
        name: name.into(),
        login: None,
        status: None,
        admin: None,
        interactive: None,
        mfa_enabled: None,
        mfa_methods: Vec::new(),
        created: None,
        last_sign_in: None,
        credentials: Vec::new(),
        identity_source: None,
        employment: None,
        guest: None,
        access_expires: None,
        last_reviewed: None,
        tags: Vec::new(),
        attributes: None,
    }
}

/// A group with nothing known.
pub fn group(id: &str, name: &str) -> Group {
    Group {
        id: id.into(),
        account: ACCOUNT.into(),
        kind: GroupKind::Group,
        name: name.into(),
        admin: None,
        members: Vec::new(),
        attributes: None,
    }
}

/// A grant of `permission` to principal `subject`.
pub fn grant(id: &str, subject: &str, permission: &str) -> Grant {
    Grant {
        id: id.into(),
        account: ACCOUNT.into(),
        subject_kind: SubjectKind::Principal,
        subject_id: subject.into(),
        permission: permission.into(),
        scope: None,
        admin: None,
        attributes: None,
    }
}

/// A bucket with nothing known.
pub fn storage(id: &str, name: &str) -> Storage {
    Storage {
        id: id.into(),
        account: ACCOUNT.into(),
        kind: StorageKind::Bucket,
        name: name.into(),
        region: None,
        public_read: None,
        public_write: None,
        public_access_block: None,
        encrypted: None,
        encryption_key: None,
        transport_encryption_enforced: None,
        versioning: None,
        immutable: None,
        tags: Vec::new(),
        attributes: None,
    }
}

/// A database with nothing known.
pub fn data_store(id: &str, name: &str) -> DataStore {
    DataStore {
        id: id.into(),
        account: ACCOUNT.into(),
        kind: DataStoreKind::Database,
        name: name.into(),
        engine: None,
        region: None,
        encrypted: None,
        encryption_key: None,
        publicly_accessible: None,
        backup_retention_days: None,
        tags: Vec::new(),
        attributes: None,
    }
}

/// An audit log of `service` with nothing known.
pub fn audit_log(id: &str, service: &str) -> AuditLog {
    AuditLog {
        id: id.into(),
        account: ACCOUNT.into(),
        name: id.into(),
        service: service.into(),
        enabled: None,
        logging: None,
        all_regions: None,
        management_events: None,
        retention_days: None,
        integrity_validation: None,
        immutable: None,
        destination: None,
        encrypted: None,
        encryption_key: None,
        last_delivery: None,
        attributes: None,
    }
}

/// A backup plan with nothing known.
pub fn backup_plan(id: &str, name: &str) -> BackupPlan {
    BackupPlan {
        id: id.into(),
        account: ACCOUNT.into(),
        name: name.into(),
        retention_days: None,
        frequency_hours: None,
        vault: None,
        vault_locked: None,
        cross_region_copy: None,
        cross_account_copy: None,
        attributes: None,
    }
}

/// A protected resource with nothing known.
pub fn protected_resource(resource_id: &str, resource_kind: &str) -> ProtectedResource {
    ProtectedResource {
        resource_id: resource_id.into(),
        account: ACCOUNT.into(),
        resource_kind: resource_kind.into(),
        plan_id: None,
        last_backup: None,
        attributes: None,
    }
}

/// A key with nothing known.
pub fn key(id: &str) -> Key {
    Key {
        id: id.into(),
        account: ACCOUNT.into(),
        name: None,
        manager: None,
        enabled: None,
        rotation_enabled: None,
        rotation_period_days: None,
        last_rotated: None,
        created: None,
        attributes: None,
    }
}

/// A share of an item with `audience`.
pub fn share(id: &str, item_name: &str, audience: ShareAudience) -> Share {
    Share {
        id: id.into(),
        account: ACCOUNT.into(),
        item_id: format!("item-{id}"),
        item_name: item_name.into(),
        item_kind: "file".into(),
        owner: None,
        audience,
        domains: Vec::new(),
        grantee: None,
        permission: None,
        created: None,
        expires: None,
        attributes: None,
    }
}

/// Tenant settings of `service` with nothing known.
pub fn tenant_settings(service: &str) -> TenantSettings {
    TenantSettings {
        account: ACCOUNT.into(),
        service: service.into(),
        external_sharing: None,
        sharing_allowed_domains: None,
        audit_logging_enabled: None,
        public_access_block: None,
        default_encryption: None,
        guest_expiry_enabled: None,
        guest_expiry_days: None,
        mfa_enforced: None,
        password_policy: None,
        legacy_auth_blocked: None,
        mfa_phishing_resistant: None,
        high_risk_users_blocked: None,
        high_risk_sign_ins_blocked: None,
        weak_mfa_methods: None,
        guest_access_restricted: None,
        root_mfa_enabled: None,
        root_access_keys_present: None,
        attributes: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    fn counts(_cx: &Context, snap: &Snapshot) -> CheckResult {
        let n = snap.principals()?.len();
        Ok(vec![Finding::pass(
            "t.count",
            ResourceRef {
                kind: "snapshot".into(),
                id: format!("{n}"),
                display_name: None,
                account: None,
            },
            "counted",
        )])
    }

    fn param(cx: &Context, _snap: &Snapshot) -> CheckResult {
        let days = cx.int("max-days")?;
        Ok(vec![Finding::pass(
            "t.param",
            ResourceRef {
                kind: "x".into(),
                id: days.to_string(),
                display_name: None,
                account: None,
            },
            "p",
        )])
    }

    fn plugin() -> Plugin {
        Plugin::new("t", "0.1.0", "tests")
            .check(Check::new("t.count", counts).reads(&[EntityKind::Principals]))
            .check(Check::new("t.param", param).param_int("max-days", 90, "days"))
    }

    #[test]
    fn absent_kind_is_not_evaluable_and_empty_kind_is_evaluated() {
        let f = run(&plugin(), "t.count", &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.id, "principals");
        let f = run(
            &plugin(),
            "t.count",
            &SnapshotBuilder::new().principals(vec![]).build(),
            &[],
        );
        assert_eq!(
            (f[0].status, f[0].resource.id.as_str()),
            (Status::Pass, "0")
        );
    }

    #[test]
    fn paging_reads_every_entity() {
        let many: Vec<Principal> = (0..2500)
            .map(|i| principal(&format!("u{i}"), "n"))
            .collect();
        let f = run(
            &plugin(),
            "t.count",
            &SnapshotBuilder::new().principals(many).build(),
            &[],
        );
        assert_eq!(f[0].resource.id, "2500");
    }

    #[test]
    fn params_default_override_and_type_errors() {
        let snap = SnapshotBuilder::new().build();
        assert_eq!(run(&plugin(), "t.param", &snap, &[])[0].resource.id, "90");
        let f = run(
            &plugin(),
            "t.param",
            &snap,
            &[("max-days", ParamValue::Integer(30))],
        );
        assert_eq!(f[0].resource.id, "30");
        let f = run(
            &plugin(),
            "t.param",
            &snap,
            &[("max-days", ParamValue::Text("x".into()))],
        );
        assert_eq!(f[0].status, Status::Error);
        assert!(f[0].message.contains("max-days"));
    }

    #[test]
    fn unknown_check_is_a_plugin_error() {
        let ctx = EvaluationContext {
            now: NOW,
            captured_at: NOW,
            accounts: vec![],
            checks: vec![CheckRequest {
                check_id: "nope".into(),
                params: vec![],
            }],
        };
        assert!(
            plugin()
                .evaluate(ctx, &SnapshotBuilder::new().build())
                .is_err()
        );
    }

    #[test]
    fn metadata_problems_are_listed() {
        let p = metadata_problems(&plugin());
        assert!(
            p.iter().any(|m| m.contains("t.count: empty title")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.contains("t.param: declares no entity kinds")),
            "{p:?}"
        );
    }

    #[test]
    fn times_render_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(NOW), "2026-11-22T12:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(show_time(None), "unknown");
    }

    #[test]
    fn show_and_path() {
        assert_eq!(show(Some(true)), "true");
        assert_eq!(show::<bool>(None), "unknown");
        assert_eq!(
            path(EntityKind::DataStores, 2, "encrypted"),
            "/data_stores/2/encrypted"
        );
    }
}
