//! `iam.direct-admin-grants`: administrative permissions are granted through groups or roles,
//! not directly to individual principals, so that they are visible and reviewed in one place.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.direct-admin-grants";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Administrative rights are granted through groups or roles")
        .description(
            "For each administrative grant: passes when the subject is a group or role, fails when \
             it is an individual principal. Not evaluable when it is unknown whether the grant is \
             administrative.",
        )
        .severity(Severity::Low)
        .rationale(
            "Rights attached to individuals escape group-based access reviews and linger after job \
             changes; granting through roles keeps the list of administrators in one place.",
        )
        .remediation(
            "Create or reuse an administrators group or role, add the principal to it, attach the \
             policy or role to the group, then detach it from the principal.",
        )
        .soc2("CC6.3")
        .iso27001("A.5.15")
        .iso27001("A.5.18")
        .reads(&[EntityKind::Grants])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    for (i, g) in snap.grants()?.iter().enumerate() {
        let res = resource::grant(g);
        let f = match (g.admin, g.subject_kind) {
            (Some(false), _) => continue,
            (None, _) => Finding::not_evaluable(
                ID,
                res,
                format!(
                    "whether grant {} ({}) is administrative is unknown",
                    g.id, g.permission
                ),
            ),
            (Some(true), SubjectKind::Group) => Finding::pass(
                ID,
                res,
                format!("{} is granted to group {}", g.permission, g.subject_id),
            ),
            (Some(true), SubjectKind::Principal) => Finding::fail(
                ID,
                res,
                format!(
                    "{} is granted directly to principal {}",
                    g.permission, g.subject_id
                ),
            ),
        };
        out.push(
            f.evidence(
                "subject_kind",
                wit_name(g.subject_kind),
                path(EntityKind::Grants, i, "subject_kind"),
            )
            .evidence("admin", show(g.admin), path(EntityKind::Grants, i, "admin")),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    #[test]
    fn direct_fails_group_passes_non_admin_skipped_unknown_not_evaluable() {
        let mut direct = testing::grant("g1", "u1", "AdministratorAccess");
        direct.admin = Some(true);
        let mut via = testing::grant("g2", "admins", "AdministratorAccess");
        via.admin = Some(true);
        via.subject_kind = SubjectKind::Group;
        let mut ro = testing::grant("g3", "u1", "ReadOnlyAccess");
        ro.admin = Some(false);
        let unknown = testing::grant("g4", "u1", "Custom");
        let snap = SnapshotBuilder::new()
            .grants(vec![direct, via, ro, unknown])
            .build();
        let got: Vec<(String, Status)> =
            testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &[]));
        assert_eq!(
            got,
            vec![
                ("g1".into(), Status::Fail),
                ("g2".into(), Status::Pass),
                ("g4".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn absent_grants_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
