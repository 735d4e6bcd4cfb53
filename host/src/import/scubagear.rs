//! The Microsoft 365 importer: CISA ScubaGear's provider export (`ProviderSettingsExport.json`,
//! UTF-8 with a byte-order mark) → a snapshot of one Microsoft 365 tenant.
//!
//! Read: the tenant's identity, privileged users and their roles (administrators = Global
//! Administrators; every role assignment becomes a grant), conditional access policies (is MFA
//! enforced for every user and every app? exclusions the embedded ScubaGear configuration
//! documents as intentional for its MFA policy are accepted), the unified audit log setting,
//! and SharePoint / OneDrive external sharing. A section the export lacks leaves its entity kind or setting
//! unknown.

use super::{ImportError, Options, Source};
use crate::snapshot::{
    Account, Grant, Principal, PrincipalKind, ProvenanceFile, SharingLevel, Snapshot, SubjectKind,
    TenantSettings,
};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// The provenance `source_format` of this importer.
pub const SOURCE_FORMAT: &str = "scubagear-provider-export";

/// The role whose holders posture counts as the tenant's administrators.
pub const GLOBAL_ADMIN: &str = "Global Administrator";

/// Roles that administer the whole tenant or its privileges (grants marked administrative).
const ADMIN_ROLES: &[&str] = &[GLOBAL_ADMIN, "Privileged Role Administrator"];

/// A list the Graph API may send as `null`.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The export document (the sections posture reads).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Export {
    tenant_details: Option<Vec<TenantDetail>>,
    tenant_id: Option<String>,
    timestamp_zulu: Option<String>,
    module_version: Option<String>,
    conditional_access_policies: Option<Vec<CaPolicy>>,
    privileged_users: Option<BTreeMap<String, PrivilegedUser>>,
    admin_audit_log_config: Option<Vec<AuditConfig>>,
    #[serde(rename = "SPO_tenant")]
    spo_tenant: Option<Vec<SpoTenant>>,
    scuba_config: Option<ScubaConfig>,
    service_plans: Option<Vec<ServicePlan>>,
    authentication_method: Option<Vec<AuthenticationMethods>>,
    authorization_policies: Option<Vec<AuthorizationPolicy>>,
}

/// The authentication methods policy: one configuration per method.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AuthenticationMethods {
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
struct AuthorizationPolicy {
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
struct ServicePlan {
    service_plan_name: Option<String>,
}

/// The plan that makes Entra ID rate users and sign-ins by risk.
const RISK_PLAN: &str = "AAD_PREMIUM_P2";

/// The part of ScubaGear's configuration (which it embeds in the export) posture honours:
/// conditional-access exclusions the operator documented as intentional (break-glass
/// accounts) for the MFA policy.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ScubaConfig {
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

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct TenantDetail {
    display_name: Option<String>,
    domain_name: Option<String>,
    tenant_id: Option<String>,
}

/// A conditional access policy (Graph `conditionalAccessPolicy`, as ScubaGear exports it).
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct CaPolicy {
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct PrivilegedUser {
    #[serde(rename = "DisplayName")]
    display_name: Option<String>,
    #[serde(rename = "OnPremisesImmutableId")]
    on_premises_immutable_id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    roles: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct AuditConfig {
    unified_audit_log_ingestion_enabled: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct SpoTenant {
    sharing_capability: Option<i64>,
    #[serde(rename = "ODBSharingCapability")]
    odb_sharing_capability: Option<i64>,
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

/// SharePoint's sharing slider value → level (0 only people in the organisation, 3 existing
/// guests, 1 new and existing guests, 2 anyone).
fn sharing_level(v: i64) -> Option<SharingLevel> {
    match v {
        0 => Some(SharingLevel::InternalOnly),
        3 => Some(SharingLevel::ExistingGuests),
        1 => Some(SharingLevel::NewAndExistingGuests),
        2 => Some(SharingLevel::Anyone),
        _ => None,
    }
}

/// Builds the snapshot from a parsed export; `path` names it in errors, `read` is the
/// files read (for provenance).
pub(super) fn build(
    export: Export,
    options: &Options,
    path: &str,
    read: Vec<ProvenanceFile>,
) -> Result<Snapshot, ImportError> {
    let detail = export.tenant_details.as_ref().and_then(|d| d.first());
    let account_id = super::account_id(
        options,
        detail
            .and_then(|d| d.domain_name.clone().or(d.tenant_id.clone()))
            .or(export.tenant_id.clone()),
        path,
        "tenant_details or tenant_id",
    )?;
    let found = export
        .timestamp_zulu
        .as_deref()
        .and_then(|t| crate::snapshot::time::parse(t).ok());
    let captured_at = super::captured_at(options, found, path, "timestamp_zulu")?;

    let mut tenant = TenantSettings::new(&account_id, "m365");
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
    tenant.audit_logging_enabled = export.admin_audit_log_config.as_ref().and_then(|c| {
        let known: Vec<bool> = c
            .iter()
            .filter_map(|c| c.unified_audit_log_ingestion_enabled)
            .collect();
        (!known.is_empty()).then(|| known.contains(&true))
    });
    let mut tenant_settings = Vec::new();
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
    let known = [
        tenant.mfa_enforced,
        tenant.mfa_phishing_resistant,
        tenant.legacy_auth_blocked,
        tenant.high_risk_users_blocked,
        tenant.high_risk_sign_ins_blocked,
        tenant.audit_logging_enabled,
        tenant.guest_access_restricted,
    ];
    if known.iter().any(Option::is_some) || tenant.weak_mfa_methods.is_some() {
        tenant_settings.push(tenant);
    }
    if let Some(spo) = export.spo_tenant.as_ref().and_then(|s| s.first()) {
        let mut sharepoint = TenantSettings::new(&account_id, "sharepoint");
        sharepoint.external_sharing = spo.sharing_capability.and_then(sharing_level);
        let mut onedrive = TenantSettings::new(&account_id, "onedrive");
        onedrive.external_sharing = spo.odb_sharing_capability.and_then(sharing_level);
        tenant_settings.extend([sharepoint, onedrive]);
    }

    let (principals, grants) = match &export.privileged_users {
        None => (None, None),
        Some(users) => {
            let mut principals = Vec::new();
            let mut grants = Vec::new();
            for (id, u) in users {
                principals.push(Principal {
                    id: id.clone(),
                    account: account_id.clone(),
                    kind: PrincipalKind::User,
                    name: u.display_name.clone().unwrap_or_else(|| id.clone()),
                    login: None,
                    status: None,
                    admin: Some(u.roles.iter().any(|r| r == GLOBAL_ADMIN)),
                    interactive: Some(true),
                    mfa_enabled: None,
                    mfa_methods: Vec::new(),
                    created: None,
                    last_sign_in: None,
                    credentials: Vec::new(),
                    identity_source: Some(
                        if u.on_premises_immutable_id.is_some() {
                            "on-premises-ad"
                        } else {
                            "entra-id"
                        }
                        .into(),
                    ),
                    employment: None,
                    guest: None,
                    access_expires: None,
                    last_reviewed: None,
                    tags: Vec::new(),
                    attributes: None,
                });
                for role in &u.roles {
                    grants.push(Grant {
                        id: format!("{id}#{role}"),
                        account: account_id.clone(),
                        subject_kind: SubjectKind::Principal,
                        subject_id: id.clone(),
                        permission: role.clone(),
                        scope: Some("/".into()),
                        admin: Some(ADMIN_ROLES.contains(&role.as_str())),
                        attributes: None,
                    });
                }
            }
            (Some(principals), Some(grants))
        }
    };

    let mut snapshot = super::snapshot_of(
        Source::Scubagear,
        Account {
            id: account_id,
            provider: "m365".into(),
            name: detail.and_then(|d| d.display_name.clone()),
        },
        captured_at,
        SOURCE_FORMAT,
        export.module_version.map(|v| format!("ScubaGear {v}")),
        read,
    );
    snapshot.principals = principals;
    snapshot.grants = grants;
    snapshot.tenant_settings = (!tenant_settings.is_empty()).then_some(tenant_settings);
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import_text(text: &str) -> Result<Snapshot, ImportError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ProviderSettingsExport.json");
        std::fs::write(&path, text).expect("write");
        crate::import::import(Source::Scubagear, &path, &Options::default())
    }

    const POLICY: &str = r#"{"DisplayName": "MFA", "State": "enabled",
        "Conditions": {"Users": {"IncludeUsers": ["All"], "ExcludeUsers": [], "ExcludeGroups": null, "ExcludeRoles": [], "ExcludeGuestsOrExternalUsers": null},
                       "Applications": {"IncludeApplications": ["All"], "ExcludeApplications": []}},
        "GrantControls": {"BuiltInControls": ["mfa"]}}"#;

    #[test]
    fn a_full_export_with_bom_maps_every_section() {
        let text = format!(
            "\u{feff}{{\"tenant_details\": [{{\"DisplayName\": \"Contoso\", \"DomainName\": \"contoso.onmicrosoft.com\"}}],
              \"timestamp_zulu\": \"2026-11-20T09:00:00Z\", \"module_version\": \"1.6.0\",
              \"conditional_access_policies\": [{POLICY}],
              \"privileged_users\": {{\"u1\": {{\"DisplayName\": \"Ada\", \"roles\": [\"Global Administrator\"]}},
                                    \"u2\": {{\"DisplayName\": \"Bob\", \"roles\": [\"Exchange Administrator\"]}}}},
              \"admin_audit_log_config\": [{{\"UnifiedAuditLogIngestionEnabled\": false}}],
              \"SPO_tenant\": [{{\"SharingCapability\": 2, \"ODBSharingCapability\": 3}}],
              \"something_new\": {{\"ignored\": true}}}}"
        );
        let s = import_text(&text).expect("imports");
        assert_eq!(s.accounts[0].id, "contoso.onmicrosoft.com");
        assert_eq!(s.accounts[0].provider, "m365");
        let t = s.tenant_settings.as_ref().expect("settings");
        let m365 = t.iter().find(|t| t.service == "m365").expect("m365");
        assert_eq!(m365.mfa_enforced, Some(true));
        assert_eq!(m365.audit_logging_enabled, Some(false));
        let level = |svc: &str| {
            t.iter()
                .find(|t| t.service == svc)
                .and_then(|t| t.external_sharing)
        };
        assert_eq!(level("sharepoint"), Some(SharingLevel::Anyone));
        assert_eq!(level("onedrive"), Some(SharingLevel::ExistingGuests));
        let admins: Vec<_> = s
            .principals
            .as_ref()
            .expect("principals")
            .iter()
            .filter(|p| p.admin == Some(true))
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(admins, ["Ada"]);
        assert_eq!(s.grants.as_ref().map(Vec::len), Some(2));
        let p = s.provenance.expect("provenance");
        assert_eq!(p.source_version.as_deref(), Some("ScubaGear 1.6.0"));
        assert_eq!(p.files.len(), 1);
    }

    #[test]
    fn legacy_auth_is_blocked_by_a_policy_blocking_both_legacy_client_types() {
        let base = "\"tenant_id\": \"t\", \"timestamp_zulu\": \"2026-11-20T09:00:00Z\"";
        let blocked = |policy: &str| {
            let s = import_text(&format!(
                "{{{base}, \"conditional_access_policies\": [{policy}]}}"
            ))
            .expect("imports");
            let t = &s.tenant_settings.expect("settings")[0];
            (t.legacy_auth_blocked, t.mfa_enforced)
        };
        let block = POLICY.replace(r#"["mfa"]"#, r#"["block"]"#).replace(
            r#""Applications""#,
            r#""ClientAppTypes": ["exchangeActiveSync", "other"], "Applications""#,
        );
        assert_eq!(blocked(&block), (Some(true), Some(false)));
        let only_eas = block.replace(r#", "other""#, "");
        assert_eq!(
            blocked(&only_eas).0,
            Some(false),
            "other clients still allowed"
        );
        let disabled = block.replace(r#""enabled""#, r#""disabled""#);
        assert_eq!(blocked(&disabled).0, Some(false));
        assert_eq!(blocked(POLICY), (Some(false), Some(true)));
    }

    #[test]
    fn risk_blocking_needs_the_licence_and_methods_and_guests_are_read() {
        let base = "\"tenant_id\": \"t\", \"timestamp_zulu\": \"2026-11-20T09:00:00Z\"";
        let risky = POLICY.replace(r#"["mfa"]"#, r#"["block"]"#).replace(
            r#""Applications""#,
            r#""UserRiskLevels": ["high"], "SignInRiskLevels": ["medium"], "Applications""#,
        );
        let settings = |extra: &str| {
            let s = import_text(&format!(
                "{{{base}, \"conditional_access_policies\": [{risky}]{extra}}}"
            ))
            .expect("imports");
            s.tenant_settings.expect("settings")[0].clone()
        };
        let t = settings("");
        assert_eq!(t.high_risk_users_blocked, None, "licence unknown");
        assert_eq!(
            t.high_risk_sign_ins_blocked,
            Some(false),
            "no policy for sign-ins"
        );
        let p2 = r#", "service_plans": [{"ServicePlanName": "AAD_PREMIUM_P2"}]"#;
        assert_eq!(settings(p2).high_risk_users_blocked, Some(true));
        let p1 = r#", "service_plans": [{"ServicePlanName": "AAD_PREMIUM"}]"#;
        assert_eq!(settings(p1).high_risk_users_blocked, Some(false));
        let methods = r#", "authentication_method": [{"authentication_method_feature_settings": [
            {"Id": "Sms", "State": "enabled"}, {"Id": "Voice", "State": "disabled"},
            {"Id": "Fido2", "State": "enabled"}, {"Id": "Email", "State": "enabled"}]}]"#;
        assert_eq!(
            settings(methods).weak_mfa_methods,
            Some(vec!["sms".to_string(), "email".to_string()])
        );
        let guests = |role: &str| {
            let extra = format!(r#", "authorization_policies": [{{"GuestUserRoleId": "{role}"}}]"#);
            settings(&extra).guest_access_restricted
        };
        assert_eq!(guests("2af84b1e-32c8-42b7-82bc-daa82404023b"), Some(true));
        assert_eq!(guests("a0b1b346-4d3e-4e8b-98f8-753987be4970"), Some(false));
        assert_eq!(t.guest_access_restricted, None);
        let strong = POLICY.replace(
            r#""BuiltInControls": ["mfa"]"#,
            r#""AuthenticationStrength": {"AllowedCombinations": ["fido2"]}"#,
        );
        let s = import_text(&format!(
            "{{{base}, \"conditional_access_policies\": [{strong}]}}"
        ))
        .expect("imports");
        let t = &s.tenant_settings.expect("settings")[0];
        assert_eq!(
            (t.mfa_enforced, t.mfa_phishing_resistant),
            (Some(true), Some(true))
        );
    }

    #[test]
    fn exclusions_break_enforcement_unless_documented() {
        let excluded = POLICY.replace(r#""ExcludeUsers": []"#, r#""ExcludeUsers": ["breakglass"]"#);
        let base = "\"tenant_id\": \"t\", \"timestamp_zulu\": \"2026-11-20T09:00:00Z\"";
        let s = import_text(&format!(
            "{{{base}, \"conditional_access_policies\": [{excluded}]}}"
        ))
        .expect("imports");
        let mfa = |s: &Snapshot| s.tenant_settings.as_ref().and_then(|t| t[0].mfa_enforced);
        assert_eq!(mfa(&s), Some(false));
        let config = r#""scuba_config": {"Aad": {"MS.AAD.3.2v2": {"CapExclusions": {"Users": ["breakglass"]}}}}"#;
        let s = import_text(&format!(
            "{{{base}, {config}, \"conditional_access_policies\": [{excluded}]}}"
        ))
        .expect("imports");
        assert_eq!(mfa(&s), Some(true));
        let s = import_text(&format!("{{{base}}}")).expect("imports");
        assert!(
            s.tenant_settings.is_none() && s.principals.is_none(),
            "absent sections stay absent"
        );
    }

    #[test]
    fn wrong_types_and_missing_identity_are_clear_errors() {
        let e = import_text(r#"{"tenant_id": "t", "timestamp_zulu": "2026-11-20T09:00:00Z", "SPO_tenant": [{"SharingCapability": "Anyone"}]}"#)
            .expect_err("wrong type");
        let text = e.to_string();
        assert!(
            text.contains("ProviderSettingsExport.json")
                && text.contains("/SPO_tenant/0/SharingCapability"),
            "{text}"
        );
        let e =
            import_text(r#"{"timestamp_zulu": "2026-11-20T09:00:00Z"}"#).expect_err("no tenant");
        assert!(e.to_string().contains("--account"), "{e}");
        let e = import_text(r#"{"tenant_id": "t"}"#).expect_err("no time");
        assert!(e.to_string().contains("--captured-at"), "{e}");
        let e = import_text("[1, 2]").expect_err("not an object");
        assert!(e.to_string().contains("ProviderSettingsExport.json"), "{e}");
    }
}
