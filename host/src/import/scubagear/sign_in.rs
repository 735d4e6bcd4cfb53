//! The tenant's sign-in policy, from the sections of a ScubaGear export that decide it:
//! conditional access policies (MFA for everyone, phishing-resistant MFA, legacy
//! authentication blocked, high-risk users and sign-ins blocked), the licences (risk-based
//! policies need Entra ID P2), the authentication methods policy (weak second factors) and the
//! authorization policy (guests' directory access). Exclusions the embedded ScubaGear
//! configuration documents as intentional (break-glass accounts) are accepted per policy.

use super::{Export, nullable};
use crate::snapshot::TenantSettings;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The authentication methods policy: one configuration per method.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AuthenticationMethods {
    #[serde(deserialize_with = "nullable")]
    authentication_method_feature_settings: Vec<MethodConfiguration>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct MethodConfiguration {
    id: Option<String>,
    state: Option<String>,
}

/// Second factors that can be intercepted or redirected, as the methods policy names them.
const WEAK_METHODS: &[&str] = &["Sms", "Voice", "Email"];

/// The tenant's authorization policy (guest permissions among others).
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct AuthorizationPolicy {
    guest_user_role_id: Option<String>,
}

/// The guest role ids that restrict guests' view of the directory: "Guest user access is
/// restricted to properties and memberships of their own directory objects" and "Guest users
/// have limited access to properties and memberships of directory objects".
const RESTRICTED_GUEST_ROLES: &[&str] = &[
    "2af84b1e-32c8-42b7-82bc-daa82404023b",
    "10dae51f-b6af-4016-8d66-8c2a99b929b3",
];

/// A service plan the tenant is licensed for.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ServicePlan {
    service_plan_name: Option<String>,
}

/// The plan that makes Entra ID rate users and sign-ins by risk.
const RISK_PLAN: &str = "AAD_PREMIUM_P2";

/// The part of ScubaGear's configuration (which it embeds in the export) posture honours:
/// conditional-access exclusions the operator documented as intentional (break-glass
/// accounts) for the MFA policy.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ScubaConfig {
    #[serde(rename = "Aad")]
    aad: BTreeMap<String, AadPolicyConfig>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AadPolicyConfig {
    #[serde(rename = "CapExclusions")]
    cap_exclusions: Option<CapExclusions>,
}

/// Exclusions documented as intentional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct CapExclusions {
    #[serde(deserialize_with = "nullable")]
    users: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    groups: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    applications: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    guest_user_types: Vec<String>,
}

/// ScubaGear's policy id for "MFA for all users", whose documented exclusions are accepted.
const MFA_POLICY: &str = "MS.AAD.3.2v2";

/// ScubaGear's policy ids whose documented exclusions are accepted for, in order: legacy
/// authentication blocked, high-risk users blocked, high-risk sign-ins blocked,
/// phishing-resistant MFA for all users.
const LEGACY_AUTH_POLICY: &str = "MS.AAD.1.1v1";
const RISKY_USERS_POLICY: &str = "MS.AAD.2.1v1";
const RISKY_SIGN_INS_POLICY: &str = "MS.AAD.2.3v1";
const PHISHING_RESISTANT_POLICY: &str = "MS.AAD.3.1v1";

/// The authentication-strength combinations that resist phishing.
const PHISHING_RESISTANT_METHODS: &[&str] = &[
    "windowsHelloForBusiness",
    "fido2",
    "x509CertificateMultiFactor",
];

/// A conditional access policy (Graph `conditionalAccessPolicy`, as ScubaGear exports it).
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct CaPolicy {
    state: Option<String>,
    conditions: Option<Conditions>,
    grant_controls: Option<GrantControls>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Conditions {
    users: Option<Users>,
    applications: Option<Applications>,
    #[serde(deserialize_with = "nullable")]
    client_app_types: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    user_risk_levels: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    sign_in_risk_levels: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Users {
    #[serde(deserialize_with = "nullable")]
    include_users: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    exclude_users: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    exclude_groups: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    exclude_roles: Vec<String>,
    exclude_guests_or_external_users: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Applications {
    #[serde(deserialize_with = "nullable")]
    include_applications: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    exclude_applications: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct GrantControls {
    #[serde(deserialize_with = "nullable")]
    built_in_controls: Vec<String>,
    authentication_strength: Option<AuthenticationStrength>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct AuthenticationStrength {
    #[serde(deserialize_with = "nullable")]
    allowed_combinations: Vec<String>,
}

/// Authentication-strength combinations that are multi-factor on their own (the others need
/// a second method, written `a,b`).
const MULTI_FACTOR_METHODS: &[&str] = &[
    "windowsHelloForBusiness",
    "fido2",
    "x509CertificateMultiFactor",
    "deviceBasedPush",
    "temporaryAccessPassOneTime",
    "temporaryAccessPassMultiUse",
    "federatedMultiFactor",
];

/// Every item of `excluded` is documented in `accepted`.
fn all_accepted(excluded: &[String], accepted: &[String]) -> bool {
    excluded.iter().all(|x| accepted.contains(x))
}

impl CaPolicy {
    /// Enabled, for all users and all cloud apps, with no exclusion beyond those documented in
    /// `accepted`: its grant controls apply to every sign-in it matches.
    fn covers_everyone(&self, accepted: &CapExclusions) -> bool {
        let Some(c) = &self.conditions else {
            return false;
        };
        let (Some(u), Some(a)) = (&c.users, &c.applications) else {
            return false;
        };
        let guests = match &u.exclude_guests_or_external_users {
            None | Some(serde_json::Value::Null) => true,
            Some(v) => v
                .get("GuestOrExternalUserTypes")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|types| {
                    types
                        .split(',')
                        .all(|t| accepted.guest_user_types.iter().any(|a| a == t.trim()))
                }),
        };
        let everyone = u.include_users.iter().any(|x| x == "All")
            && all_accepted(&u.exclude_users, &accepted.users)
            && all_accepted(&u.exclude_groups, &accepted.groups)
            && u.exclude_roles.is_empty()
            && guests;
        let everywhere = a.include_applications.iter().any(|x| x == "All")
            && all_accepted(&a.exclude_applications, &accepted.applications);
        self.state.as_deref() == Some("enabled") && everyone && everywhere
    }

    /// The authentication strength's combinations, when it names any, all satisfy `ok`.
    fn strength_only(&self, ok: impl Fn(&str) -> bool) -> bool {
        let strength = self
            .grant_controls
            .as_ref()
            .and_then(|g| g.authentication_strength.as_ref());
        strength.is_some_and(|s| {
            !s.allowed_combinations.is_empty() && s.allowed_combinations.iter().all(|c| ok(c))
        })
    }

    /// Covers everyone (see `covers_everyone`) and grants access only with MFA (the built-in
    /// control or an authentication strength of multi-factor combinations).
    fn enforces_mfa_for_everyone(&self, accepted: &CapExclusions) -> bool {
        let builtin = self
            .grant_controls
            .as_ref()
            .is_some_and(|g| g.built_in_controls.iter().any(|c| c == "mfa"));
        let strength = self.strength_only(|c| c.contains(',') || MULTI_FACTOR_METHODS.contains(&c));
        (builtin || strength) && self.covers_everyone(accepted)
    }

    /// Covers everyone and accepts only phishing-resistant methods.
    fn enforces_phishing_resistant_mfa_for_everyone(&self, accepted: &CapExclusions) -> bool {
        self.strength_only(|c| PHISHING_RESISTANT_METHODS.contains(&c))
            && self.covers_everyone(accepted)
    }

    /// Covers everyone and blocks the sign-ins its conditions select with `when`.
    fn blocks_for_everyone(&self, accepted: &CapExclusions, when: fn(&Conditions) -> bool) -> bool {
        let block = self
            .grant_controls
            .as_ref()
            .is_some_and(|g| g.built_in_controls.iter().any(|c| c == "block"));
        block && self.conditions.as_ref().is_some_and(when) && self.covers_everyone(accepted)
    }
}

impl Conditions {
    /// Selects the client apps that cannot do modern authentication: Exchange ActiveSync and
    /// "other clients" (IMAP, POP, SMTP AUTH, …).
    fn legacy_clients(&self) -> bool {
        ["other", "exchangeActiveSync"]
            .iter()
            .all(|t| self.client_app_types.iter().any(|x| x == t))
    }

    /// Selects users rated high risk.
    fn high_risk_users(&self) -> bool {
        self.user_risk_levels.iter().any(|l| l == "high")
    }

    /// Selects sign-ins rated high risk.
    fn high_risk_sign_ins(&self) -> bool {
        self.sign_in_risk_levels.iter().any(|l| l == "high")
    }
}

/// Sets `tenant`'s sign-in settings from `export`; a section the export lacks leaves its
/// settings unknown.
pub(super) fn apply(tenant: &mut TenantSettings, export: &Export) {
    let none = CapExclusions::default();
    let accepted = |policy: &str| {
        export
            .scuba_config
            .as_ref()
            .and_then(|c| c.aad.get(policy))
            .and_then(|p| p.cap_exclusions.as_ref())
            .unwrap_or(&none)
    };
    let any_policy = |test: &dyn Fn(&CaPolicy) -> bool| {
        export
            .conditional_access_policies
            .as_ref()
            .map(|ps| ps.iter().any(test))
    };
    tenant.mfa_enforced = any_policy(&|p| p.enforces_mfa_for_everyone(accepted(MFA_POLICY)));
    tenant.mfa_phishing_resistant = any_policy(&|p| {
        p.enforces_phishing_resistant_mfa_for_everyone(accepted(PHISHING_RESISTANT_POLICY))
    });
    let blocks = |policy: &str, when: fn(&Conditions) -> bool| {
        any_policy(&|p| p.blocks_for_everyone(accepted(policy), when))
    };
    tenant.legacy_auth_blocked = blocks(LEGACY_AUTH_POLICY, Conditions::legacy_clients);
    // Risk-based blocking works only with the plan that rates risk: a policy without it is
    // not in force, and an unknown licence leaves a policy's effect unknown.
    let licensed = export.service_plans.as_ref().map(|plans| {
        plans
            .iter()
            .any(|p| p.service_plan_name.as_deref() == Some(RISK_PLAN))
    });
    let in_force = |policy: Option<bool>| match (policy, licensed) {
        (Some(true), licensed) => licensed,
        (other, _) => other,
    };
    tenant.high_risk_users_blocked =
        in_force(blocks(RISKY_USERS_POLICY, Conditions::high_risk_users));
    tenant.high_risk_sign_ins_blocked = in_force(blocks(
        RISKY_SIGN_INS_POLICY,
        Conditions::high_risk_sign_ins,
    ));
    tenant.weak_mfa_methods = export.authentication_method.as_ref().map(|sections| {
        sections
            .iter()
            .flat_map(|s| &s.authentication_method_feature_settings)
            .filter(|m| m.state.as_deref() != Some("disabled"))
            .filter_map(|m| m.id.as_deref())
            .filter(|id| WEAK_METHODS.contains(id))
            .map(str::to_lowercase)
            .collect()
    });
    tenant.guest_access_restricted = export
        .authorization_policies
        .as_ref()
        .filter(|ps| !ps.is_empty())
        .map(|ps| {
            ps.iter().all(|p| {
                p.guest_user_role_id
                    .as_deref()
                    .is_some_and(|r| RESTRICTED_GUEST_ROLES.contains(&r))
            })
        });
}
