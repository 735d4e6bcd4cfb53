//! `logging.saas-audit`: SaaS tenants (Microsoft 365, Google Workspace) have audit logging on.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "logging.saas-audit";

/// Providers whose tenants have an audit log to switch on.
const SAAS: &[&str] = &["m365", "google-workspace"];

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(SAAS)
        .title("SaaS audit logging is on")
        .description(
            "For each Microsoft 365 or Google Workspace account: passes when tenant settings say \
             audit logging is enabled or an audit log of the tenant is enabled; fails when what \
             is known says it is off; not evaluable when the snapshot says nothing (either \
             kind may be missing, not both).",
        )
        .severity(Severity::High)
        .rationale(
            "Mailbox access, file sharing and admin changes in SaaS tenants are only visible in \
             their audit logs; with logging off, account takeovers and data exfiltration leave no \
             trace.",
        )
        .remediation(
            "Microsoft 365: Microsoft Purview → Audit → Start recording user and admin activity \
             (Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true). Google Workspace: \
             audit logs are always on; configure alert rules and export to BigQuery or a SIEM for \
             retention.",
        )
        .soc2("CC7.2")
        .iso27001("A.8.15")
        .reads(&[EntityKind::TenantSettings, EntityKind::AuditLogs])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    // Either kind can say audit logging is on; one of them missing is fine as long as the
    // other says something (a tenant's audit switch lives in its settings).
    let (settings, logs) = match (snap.tenant_settings(), snap.audit_logs()) {
        (Ok(s), Ok(l)) => (s, l),
        (Ok(s), Err(_)) => (s, &[][..]),
        (Err(_), Ok(l)) => (&[][..], l),
        (Err(e), Err(_)) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for a in cx
        .accounts()
        .iter()
        .filter(|a| SAAS.contains(&a.provider.as_str()))
    {
        let res = resource::account(a);
        let mut evidence = Vec::new();
        let mut known = Vec::new();
        for (i, t) in settings
            .iter()
            .enumerate()
            .filter(|(_, t)| t.account == a.id)
        {
            if let Some(v) = t.audit_logging_enabled {
                known.push(v);
                evidence.push((
                    "audit_logging_enabled",
                    v,
                    path(EntityKind::TenantSettings, i, "audit_logging_enabled"),
                ));
            }
        }
        for (i, l) in logs.iter().enumerate().filter(|(_, l)| l.account == a.id) {
            if let Some(v) = l.enabled {
                known.push(v);
                evidence.push((
                    "audit_log_enabled",
                    v,
                    path(EntityKind::AuditLogs, i, "enabled"),
                ));
            }
        }
        let f = if known.contains(&true) {
            Finding::pass(ID, res, "tenant audit logging is on")
        } else if known.is_empty() {
            Finding::not_evaluable(
                ID,
                res,
                "the snapshot does not say whether tenant audit logging is on",
            )
        } else {
            Finding::fail(ID, res, "tenant audit logging is off")
        };
        out.push(
            evidence
                .into_iter()
                .fold(f, |f, (k, v, p)| f.evidence(k, v.to_string(), p)),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn status(setting: Option<bool>, log: Option<bool>, provider: &str) -> Vec<Status> {
        let mut t = testing::tenant_settings("m365");
        t.audit_logging_enabled = setting;
        let mut l = testing::audit_log("ual", "m365-unified-audit-log");
        l.enabled = log;
        let snap = SnapshotBuilder::new()
            .tenant_settings(vec![t])
            .audit_logs(vec![l])
            .build();
        testing::run_as(&crate::plugin(), ID, &snap, provider, &[])
            .into_iter()
            .map(|f| f.status)
            .collect()
    }

    #[test]
    fn either_source_says_on_passes() {
        assert_eq!(status(Some(true), None, "m365"), vec![Status::Pass]);
        assert_eq!(
            status(None, Some(true), "google-workspace"),
            vec![Status::Pass]
        );
        assert_eq!(status(Some(false), Some(false), "m365"), vec![Status::Fail]);
        assert_eq!(status(None, None, "m365"), vec![Status::NotEvaluable]);
    }

    #[test]
    fn non_saas_accounts_are_skipped() {
        assert!(status(Some(false), None, "aws").is_empty());
    }

    #[test]
    fn one_kind_missing_is_enough_not_both() {
        let mut t = testing::tenant_settings("m365");
        t.audit_logging_enabled = Some(false);
        let only_settings = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        let f = testing::run_as(&crate::plugin(), ID, &only_settings, "m365", &[]);
        assert_eq!(f[0].status, Status::Fail);
        let mut l = testing::audit_log("ual", "m365-unified-audit-log");
        l.enabled = Some(true);
        let only_logs = SnapshotBuilder::new().audit_logs(vec![l]).build();
        let f = testing::run_as(&crate::plugin(), ID, &only_logs, "m365", &[]);
        assert_eq!(f[0].status, Status::Pass);
        let neither = SnapshotBuilder::new().build();
        let f = testing::run_as(&crate::plugin(), ID, &neither, "m365", &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
