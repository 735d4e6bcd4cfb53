//! `sharing.tenant-sharing-level`: SaaS file-sharing services do not allow sharing wider than
//! a chosen level tenant-wide (by default: no anyone-with-the-link sharing).

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "sharing.tenant-sharing-level";

/// Services whose tenant settings govern file sharing.
const SERVICES: &[&str] = &["sharepoint", "onedrive", "google-drive"];

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["m365", "google-workspace"])
        .title("Tenant sharing does not allow anyone-with-the-link")
        .description(
            "For SharePoint, OneDrive and Google Drive tenant settings: fails when the widest \
             sharing allowed is wider than `max-level` (by default `new-and-existing-guests`, so \
             only `anyone`, links that work without signing in, fails), passes otherwise, not \
             evaluable when unknown.",
        )
        .severity(Severity::High)
        .rationale(
            "Anonymous links are forwarded, indexed and never expire by default: once allowed \
             tenant-wide, any user can publish confidential files to the internet with two clicks.",
        )
        .remediation(
            "SharePoint admin center → Policies → Sharing: set content sharing to 'New and existing \
             guests' or narrower (Set-SPOTenant -SharingCapability ExternalUserSharingOnly). Google \
             Admin → Apps → Drive → Sharing settings: turn off sharing outside the organisation or \
             restrict it to allow-listed domains. Then review existing anonymous links.",
        )
        .soc2("CC6.1")
        .soc2("C1.1")
        .iso27001("A.5.14")
        .iso27001("A.8.3")
        .param_text(
            "max-level",
            "new-and-existing-guests",
            "widest sharing allowed: internal-only, existing-guests, new-and-existing-guests or anyone",
        )
        .reads(&[EntityKind::TenantSettings])
}

/// Sharing levels from narrowest to widest, by their WIT names.
const LEVELS: [(&str, SharingLevel); 4] = [
    ("internal-only", SharingLevel::InternalOnly),
    ("existing-guests", SharingLevel::ExistingGuests),
    (
        "new-and-existing-guests",
        SharingLevel::NewAndExistingGuests,
    ),
    ("anyone", SharingLevel::Anyone),
];

fn rank(level: SharingLevel) -> usize {
    LEVELS
        .iter()
        .position(|(_, l)| *l == level)
        .unwrap_or(LEVELS.len())
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let max_name = cx.text("max-level")?;
    let max = LEVELS
        .iter()
        .find(|(name, _)| *name == max_name)
        .map(|(_, l)| *l)
        .ok_or_else(|| {
            CheckError::Param(format!(
                "`max-level` must be one of internal-only, existing-guests, \
                 new-and-existing-guests, anyone (got `{max_name}`)"
            ))
        })?;
    let mut out = Vec::new();
    for (i, t) in snap.tenant_settings()?.iter().enumerate() {
        if !SERVICES.contains(&t.service.as_str()) {
            continue;
        }
        let res = resource::tenant_settings(t);
        let f = match t.external_sharing {
            Some(SharingLevel::Anyone) if rank(max) < rank(SharingLevel::Anyone) => Finding::fail(
                ID,
                res,
                format!("{} allows anyone-with-the-link sharing", t.service),
            ),
            Some(level) if rank(level) > rank(max) => Finding::fail(
                ID,
                res,
                format!(
                    "{} allows sharing with {} (widest allowed: {max_name})",
                    t.service,
                    wit_name(level)
                ),
            ),
            Some(level) => Finding::pass(
                ID,
                res,
                format!("{} sharing is limited to {}", t.service, wit_name(level)),
            ),
            None => {
                Finding::not_evaluable(ID, res, format!("{} sharing level is unknown", t.service))
            }
        };
        out.push(f.evidence(
            "external_sharing",
            show_enum(t.external_sharing),
            path(EntityKind::TenantSettings, i, "external_sharing"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn tenant(service: &str, level: Option<SharingLevel>) -> TenantSettings {
        let mut t = testing::tenant_settings(service);
        t.external_sharing = level;
        t
    }

    #[test]
    fn anyone_fails_narrower_passes_unknown_not_evaluable() {
        let snap = SnapshotBuilder::new()
            .tenant_settings(vec![
                tenant("sharepoint", Some(SharingLevel::Anyone)),
                tenant("google-drive", Some(SharingLevel::InternalOnly)),
                tenant("onedrive", None),
                tenant("aws-s3", Some(SharingLevel::Anyone)),
            ])
            .build();
        let got: Vec<(String, Status)> =
            testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &[]));
        assert_eq!(
            got,
            vec![
                ("sharepoint".into(), Status::Fail),
                ("google-drive".into(), Status::Pass),
                ("onedrive".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn evidence_points_at_the_sharing_level() {
        let snap = SnapshotBuilder::new()
            .tenant_settings(vec![tenant("sharepoint", Some(SharingLevel::Anyone))])
            .build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        assert_eq!(f[0].evidence[0].value, "anyone");
        let snap = SnapshotBuilder::new()
            .tenant_settings(vec![tenant(
                "onedrive",
                Some(SharingLevel::NewAndExistingGuests),
            )])
            .build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        assert_eq!(f[0].status, Status::Pass);
        assert!(
            f[0].message.ends_with("limited to new-and-existing-guests"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].evidence[0].path, "/tenant_settings/0/external_sharing");
    }

    #[test]
    fn absent_tenant_settings_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.id, "tenant_settings");
    }

    #[test]
    fn max_level_narrows_what_passes() {
        let snap = SnapshotBuilder::new()
            .tenant_settings(vec![
                tenant("sharepoint", Some(SharingLevel::NewAndExistingGuests)),
                tenant("onedrive", Some(SharingLevel::ExistingGuests)),
            ])
            .build();
        let p = [("max-level", ParamValue::Text("existing-guests".into()))];
        let got = testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &p));
        assert_eq!(
            got,
            vec![
                ("sharepoint".into(), Status::Fail),
                ("onedrive".into(), Status::Pass)
            ]
        );
        let bad = [("max-level", ParamValue::Text("everyone".into()))];
        let f = testing::run(&crate::plugin(), ID, &snap, &bad);
        assert_eq!(f[0].status, Status::Error, "{f:?}");
    }
}
