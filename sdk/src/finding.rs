//! Building findings: status constructors, evidence with snapshot paths, severity overrides,
//! resource references for each entity kind, and the not-evaluable finding for an absent kind.

use crate::bindings::posture::plugin::types::*;
use crate::snapshot::Absent;
use std::fmt::Debug;

impl Finding {
    fn new(
        check_id: &str,
        status: Status,
        resource: ResourceRef,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            check_id: check_id.to_string(),
            status,
            resource,
            message: message.into(),
            severity: None,
            evidence: Vec::new(),
        }
    }

    /// The resource meets the control.
    pub fn pass(check_id: &str, resource: ResourceRef, message: impl Into<String>) -> Finding {
        Finding::new(check_id, Status::Pass, resource, message)
    }

    /// The resource fails the control.
    pub fn fail(check_id: &str, resource: ResourceRef, message: impl Into<String>) -> Finding {
        Finding::new(check_id, Status::Fail, resource, message)
    }

    /// The data needed to decide is missing; the message says what.
    pub fn not_evaluable(
        check_id: &str,
        resource: ResourceRef,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(check_id, Status::NotEvaluable, resource, message)
    }

    /// Adds a value that decided the finding and its JSON pointer in the snapshot.
    pub fn evidence(mut self, key: &str, value: impl Into<String>, path: String) -> Finding {
        self.evidence.push(Evidence {
            key: key.to_string(),
            value: value.into(),
            path,
        });
        self
    }

    /// Overrides the check's default severity for this finding.
    pub fn with_severity(mut self, s: Severity) -> Finding {
        self.severity = Some(s);
        self
    }
}

impl Absent {
    /// The not-evaluable finding reporting that `check_id` had no data of this kind.
    pub fn finding(&self, check_id: &str) -> Finding {
        Finding::not_evaluable(
            check_id,
            ResourceRef {
                kind: "snapshot".into(),
                id: json_key(self.kind).into(),
                display_name: None,
                account: None,
            },
            self.to_string(),
        )
    }
}

/// The key of `kind`'s list in the snapshot JSON (`data_stores`, …).
pub fn json_key(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Principals => "principals",
        EntityKind::Groups => "groups",
        EntityKind::Grants => "grants",
        EntityKind::Storage => "storage",
        EntityKind::DataStores => "data_stores",
        EntityKind::AuditLogs => "audit_logs",
        EntityKind::BackupPlans => "backup_plans",
        EntityKind::ProtectedResources => "protected_resources",
        EntityKind::Keys => "keys",
        EntityKind::Shares => "shares",
        EntityKind::TenantSettings => "tenant_settings",
    }
}

/// JSON pointer of `field` of entity `index` of `kind`, e.g. `/principals/3/mfa_enabled`.
pub fn path(kind: EntityKind, index: usize, field: &str) -> String {
    format!("/{}/{index}/{field}", json_key(kind))
}

/// Renders an optional value as evidence text: the value, or `unknown`.
pub fn show<T: Debug>(v: Option<T>) -> String {
    match v {
        Some(v) => {
            let s = format!("{v:?}");
            s.trim_matches('"').to_string()
        }
        None => "unknown".to_string(),
    }
}

/// The WIT name of an enum case, e.g. `ShareAudience::ExternalDomain` → `external-domain`, for
/// evidence and messages (the generated `Debug` prints `Type::Case`, which is not what a reader of
/// the contract expects).
pub fn wit_name<T: Debug>(v: T) -> String {
    let debug = format!("{v:?}");
    let case = debug.rsplit("::").next().unwrap_or(&debug);
    let mut out = String::with_capacity(case.len() + 4);
    for (i, ch) in case.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// [`wit_name`] of an optional enum value, or `unknown`.
pub fn show_enum<T: Debug>(v: Option<T>) -> String {
    v.map_or_else(|| "unknown".to_string(), wit_name)
}

/// Renders a timestamp as RFC 3339 UTC, e.g. `2026-11-22T12:00:00Z`.
pub fn rfc3339(t: Timestamp) -> String {
    // Civil date from days since the epoch (the days-from-civil algorithm, inverted).
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Renders an optional timestamp as evidence text: RFC 3339, or `unknown`.
pub fn show_time(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "unknown".to_string(), rfc3339)
}

/// Resource references for snapshot entities.
pub mod resource {
    use super::*;

    fn r(kind: &str, id: &str, name: Option<&str>, account: &str) -> ResourceRef {
        ResourceRef {
            kind: kind.to_string(),
            id: id.to_string(),
            display_name: name.map(str::to_string),
            account: Some(account.to_string()),
        }
    }

    /// A principal.
    pub fn principal(p: &Principal) -> ResourceRef {
        r("principal", &p.id, Some(&p.name), &p.account)
    }
    /// A group or role.
    pub fn group(g: &Group) -> ResourceRef {
        r("group", &g.id, Some(&g.name), &g.account)
    }
    /// A grant.
    pub fn grant(g: &Grant) -> ResourceRef {
        r("grant", &g.id, Some(&g.permission), &g.account)
    }
    /// A storage container.
    pub fn storage(s: &Storage) -> ResourceRef {
        r("storage", &s.id, Some(&s.name), &s.account)
    }
    /// A data store.
    pub fn data_store(d: &DataStore) -> ResourceRef {
        r("data-store", &d.id, Some(&d.name), &d.account)
    }
    /// An audit log.
    pub fn audit_log(a: &AuditLog) -> ResourceRef {
        r("audit-log", &a.id, Some(&a.name), &a.account)
    }
    /// A backup plan.
    pub fn backup_plan(b: &BackupPlan) -> ResourceRef {
        r("backup-plan", &b.id, Some(&b.name), &b.account)
    }
    /// A protected resource.
    pub fn protected_resource(p: &ProtectedResource) -> ResourceRef {
        r(&p.resource_kind, &p.resource_id, None, &p.account)
    }
    /// A key.
    pub fn key(k: &Key) -> ResourceRef {
        r("key", &k.id, k.name.as_deref(), &k.account)
    }
    /// A share.
    pub fn share(s: &Share) -> ResourceRef {
        r("share", &s.id, Some(&s.item_name), &s.account)
    }
    /// Tenant settings of one service.
    pub fn tenant_settings(t: &TenantSettings) -> ResourceRef {
        r("tenant-settings", &t.service, None, &t.account)
    }
    /// A whole account (for account-level findings).
    pub fn account(a: &Account) -> ResourceRef {
        r("account", &a.id, a.name.as_deref(), &a.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_cases_render_as_their_wit_names() {
        assert_eq!(wit_name(ShareAudience::ExternalDomain), "external-domain");
        assert_eq!(wit_name(KeyManager::Customer), "customer");
        assert_eq!(
            show_enum(Some(SharingLevel::NewAndExistingGuests)),
            "new-and-existing-guests"
        );
        assert_eq!(show_enum::<KeyManager>(None), "unknown");
    }
}
