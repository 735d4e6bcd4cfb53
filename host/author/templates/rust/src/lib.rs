//! {{name}}: a posture check plugin. Build it with `posture plugin build .`, test it with
//! `cargo test` (natively) and `posture test target/plugins/{{name}}.wasm --cases cases`.

use posture_sdk::prelude::*;

/// The check's id: `<domain>.<name>`.
pub const ID: &str = "{{domain}}.admin-mfa";

/// Administrators who can sign in interactively must use a second factor.
fn admins_use_mfa(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    // `?`: when the snapshot has no principals, the check reports not-evaluable.
    for (i, p) in snap.principals()?.iter().enumerate() {
        if p.admin != Some(true) || p.interactive == Some(false) {
            continue;
        }
        let finding = match p.mfa_enabled {
            Some(true) => Finding::pass(ID, resource::principal(p), format!("{} uses MFA", p.name)),
            Some(false) => Finding::fail(ID, resource::principal(p), format!("{} has no MFA", p.name)),
            None => Finding::not_evaluable(ID, resource::principal(p), "MFA state unknown"),
        };
        out.push(finding.evidence(
            "mfa_enabled",
            show(p.mfa_enabled),
            path(EntityKind::Principals, i, "mfa_enabled"),
        ));
    }
    Ok(out)
}

/// The plugin: its name, version, vendor and checks.
pub fn plugin() -> Plugin {
    Plugin::new("{{name}}", "0.1.0", "{{vendor}}").check(
        Check::new(ID, admins_use_mfa)
            .title("Administrators use MFA")
            .description("Fails for each interactive administrator without a second factor.")
            .rationale("A stolen password is enough to take over an administrator without MFA.")
            .remediation("Enrol the administrator in MFA, or remove the administrative role.")
            .severity(Severity::High)
            .domain("{{domain}}")
            .soc2("CC6.1")
            .iso27001("A.8.5")
            .reads(&[EntityKind::Principals]),
    )
}

posture_sdk::export_plugin!(plugin);

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    #[test]
    fn an_admin_without_mfa_fails() {
        let mut admin = testing::principal("u1", "alice");
        admin.admin = Some(true);
        admin.mfa_enabled = Some(false);
        let snap = SnapshotBuilder::new().principals(vec![admin]).build();
        let findings = testing::run(&plugin(), ID, &snap, &[]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Fail);
    }
}
