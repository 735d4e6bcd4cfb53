//! Checks of account-wide settings (`tenant-settings`): a finding for each setting that
//! answers the check's question, and a not-evaluable finding for each account whose settings
//! do not, among the providers that have such a setting.

use crate::bindings::posture::plugin::types::{EntityKind, Finding, TenantSettings};
use crate::check::CheckResult;
use crate::context::Context;
use crate::finding::{path, resource};
use crate::snapshot::Snapshot;

/// Runs `judge` on every tenant setting with its index, keeping each finding it returns
/// (`None`: this setting does not answer the question). Then, for every account of
/// `providers` that got no finding, adds a not-evaluable finding on the account whose message
/// is `unknown`.
pub fn per_setting(
    check_id: &str,
    cx: &Context,
    settings: &[TenantSettings],
    providers: &[&str],
    unknown: &str,
    mut judge: impl FnMut(usize, &TenantSettings) -> Option<Finding>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut answered = Vec::new();
    for (i, t) in settings.iter().enumerate() {
        if let Some(f) = judge(i, t) {
            answered.push(t.account.as_str());
            out.push(f);
        }
    }
    for a in cx
        .accounts()
        .iter()
        .filter(|a| providers.contains(&a.provider.as_str()))
        .filter(|a| !answered.contains(&a.id.as_str()))
    {
        out.push(Finding::not_evaluable(
            check_id,
            resource::account(a),
            unknown,
        ));
    }
    out
}

/// A yes/no account-wide policy held in one field of the tenant settings: passes when on,
/// fails when off, not evaluable for a silent account of `providers` (settings of other
/// accounts that state it are judged too).
pub struct Policy {
    /// Check id.
    pub id: &'static str,
    /// Providers whose accounts can have the policy.
    pub providers: &'static [&'static str],
    /// The field's name in the snapshot (for evidence).
    pub field: &'static str,
    /// Reads the field.
    pub get: fn(&TenantSettings) -> Option<bool>,
    /// What the policy does, completing "<service> …".
    pub does: &'static str,
    /// The same after "does not" (the verb's base form).
    pub does_not: &'static str,
}

impl Policy {
    /// A finding per tenant setting stating the policy, and a not-evaluable finding for each
    /// account of `providers` none of whose settings does.
    pub fn evaluate(&self, cx: &Context, snap: &Snapshot) -> CheckResult {
        let unknown = format!(
            "no tenant setting of this account says whether it {}",
            self.does
        );
        let settings = snap.tenant_settings()?;
        Ok(per_setting(
            self.id,
            cx,
            settings,
            self.providers,
            &unknown,
            |i, t| {
                let on = (self.get)(t)?;
                let res = resource::tenant_settings(t);
                let f = if on {
                    Finding::pass(self.id, res, format!("{} {}", t.service, self.does))
                } else {
                    Finding::fail(
                        self.id,
                        res,
                        format!("{} does not {}", t.service, self.does_not),
                    )
                };
                let f = f.evidence(
                    self.field,
                    on.to_string(),
                    path(EntityKind::TenantSettings, i, self.field),
                );
                Some(match failing(t, self.field).filter(|_| !on) {
                    Some(where_) => f.evidence(
                        "failing",
                        where_.join("; "),
                        path(EntityKind::TenantSettings, i, "attributes"),
                    ),
                    None => f,
                })
            },
        ))
    }
}

/// Where a setting fails, as the importer recorded it in the setting's attributes:
/// `{"failing": {"<field>": ["<unit, user or policy>: <why>", …]}}` (for example the Google
/// Workspace units that do not enforce 2-step verification). `None` when not recorded.
pub fn failing(t: &TenantSettings, field: &str) -> Option<Vec<String>> {
    let attributes: serde_json::Value = serde_json::from_str(t.attributes.as_deref()?).ok()?;
    let list = attributes.get("failing")?.get(field)?.as_array()?;
    let named: Vec<String> = list
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    (!named.is_empty()).then_some(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_policy_names_where_it_fails_when_the_importer_said() {
        const P: Policy = Policy {
            id: "x.mfa",
            providers: &["google-workspace"],
            field: "mfa_enforced",
            get: |t| t.mfa_enforced,
            does: "enforces MFA",
            does_not: "enforce MFA",
        };
        let run = |on: bool, attributes: Option<&str>| {
            let mut t = testing::tenant_settings("google-workspace");
            t.mfa_enforced = Some(on);
            t.attributes = attributes.map(str::to_string);
            let snap = testing::SnapshotBuilder::new()
                .tenant_settings(vec![t])
                .build();
            let cx = Context::new(
                testing::NOW,
                testing::NOW,
                Vec::new(),
                Vec::new(),
                Vec::new(),
            );
            P.evaluate(&cx, &snap).expect("evaluates")
        };
        let units =
            r#"{"failing": {"mfa_enforced": ["lab: not enforced", "sales: not enforced"]}}"#;
        let f = run(false, Some(units));
        let e = f[0]
            .evidence
            .iter()
            .find(|e| e.key == "failing")
            .expect("failing units");
        assert_eq!(e.value, "lab: not enforced; sales: not enforced");
        assert_eq!(e.path, "/tenant_settings/0/attributes");
        assert!(
            run(true, Some(units))[0]
                .evidence
                .iter()
                .all(|e| e.key != "failing")
        );
        assert!(
            run(false, Some("not json"))[0]
                .evidence
                .iter()
                .all(|e| e.key != "failing")
        );
        assert!(
            run(false, None)[0]
                .evidence
                .iter()
                .all(|e| e.key != "failing")
        );
    }
    use crate::bindings::posture::plugin::types::{Account, Status};
    use crate::testing;

    #[test]
    fn silent_accounts_of_the_providers_are_not_evaluable() {
        let account = |id: &str, provider: &str| Account {
            id: id.into(),
            provider: provider.into(),
            name: None,
        };
        let cx = Context::new(
            testing::NOW,
            testing::NOW,
            vec![
                account("a", "m365"),
                account("b", "m365"),
                account("c", "aws"),
            ],
            Vec::new(),
            Vec::new(),
        );
        let mut said = testing::tenant_settings("m365");
        said.account = "a".into();
        said.mfa_enforced = Some(true);
        let mut silent = testing::tenant_settings("m365");
        silent.account = "b".into();
        let settings = [said, silent];
        let f = per_setting("x.y", &cx, &settings, &["m365"], "unknown", |_, t| {
            t.mfa_enforced
                .map(|_| Finding::pass("x.y", resource::tenant_settings(t), "enforced"))
        });
        let got: Vec<(&str, Status)> = f
            .iter()
            .map(|f| (f.resource.id.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            vec![("m365", Status::Pass), ("b", Status::NotEvaluable)]
        );
    }
}
