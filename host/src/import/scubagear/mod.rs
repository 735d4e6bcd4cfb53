//! The Microsoft 365 importer: CISA ScubaGear's provider export (`ProviderSettingsExport.json`,
//! UTF-8 with a byte-order mark) → a snapshot of one Microsoft 365 tenant.
//!
//! Read here: the tenant's identity, privileged users and their roles (administrators = Global
//! Administrators; the roles a user holds are kept in its attributes, never turned into grants,
//! because the export does not say how a role was assigned: directly, through a group or
//! through PIM; `OnPremisesImmutableId` set means synchronised from on-premises, present and
//! null means cloud-only, absent means unknown), the unified audit log setting, and SharePoint
//! / OneDrive external sharing. The sign-in policy (conditional access, licences,
//! authentication methods, guest access) is read by `sign_in`. A section the export lacks
//! leaves its entity kind or setting unknown. The file may be the bare provider export or a
//! `ScubaResults*.json` carrying it (`super::scuba`).

mod sign_in;

use crate::import::common::{ImportError, Options, Source};
use crate::import::scuba::{MetaData, merge_repeats};
use crate::snapshot::{
    Account, Principal, PrincipalKind, ProvenanceFile, SharingLevel, Snapshot, TenantSettings,
};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// The provenance `source_format` of this importer.
pub const SOURCE_FORMAT: &str = "scubagear-provider-export";

/// The role whose holders posture counts as the tenant's administrators.
pub const GLOBAL_ADMIN: &str = "Global Administrator";

/// A list the Graph API may send as `null`.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A field that may be null, told apart from an absent one (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The export document (the sections posture reads).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Export {
    tenant_details: Option<Vec<TenantDetail>>,
    tenant_id: Option<String>,
    timestamp_zulu: Option<String>,
    module_version: Option<String>,
    conditional_access_policies: Option<Vec<sign_in::CaPolicy>>,
    privileged_users: Option<BTreeMap<String, PrivilegedUser>>,
    admin_audit_log_config: Option<Vec<AuditConfig>>,
    #[serde(rename = "SPO_tenant")]
    spo_tenant: Option<Vec<SpoTenant>>,
    scuba_config: Option<sign_in::ScubaConfig>,
    service_plans: Option<Vec<sign_in::ServicePlan>>,
    authentication_method: Option<Vec<sign_in::AuthenticationMethods>>,
    authorization_policies: Option<Vec<sign_in::AuthorizationPolicy>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct TenantDetail {
    display_name: Option<String>,
    domain_name: Option<String>,
    tenant_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PrivilegedUser {
    #[serde(rename = "DisplayName")]
    display_name: Option<String>,
    /// Absent: unknown; present and null: a cloud-only account; a value: synchronised.
    #[serde(rename = "OnPremisesImmutableId", deserialize_with = "present")]
    on_premises_immutable_id: Option<Option<String>>,
    /// Absent or null: the user's roles are unknown.
    roles: Option<Vec<String>>,
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
    meta: &MetaData,
    options: &Options,
    path: &str,
    read: Vec<ProvenanceFile>,
) -> Result<Snapshot, ImportError> {
    let detail = export.tenant_details.as_ref().and_then(|d| d.first());
    let account_id = crate::import::common::account_id(
        options,
        detail
            .and_then(|d| d.domain_name.clone().or(d.tenant_id.clone()))
            .or(export.tenant_id.clone())
            .or(meta.domain_name.clone())
            .or(meta.tenant_id.clone()),
        path,
        "tenant_details, tenant_id or MetaData.DomainName",
    )?;
    let captured_at =
        crate::import::scuba::captured_at(options, export.timestamp_zulu.as_deref(), meta, path)?;

    let mut tenant = TenantSettings::new(&account_id, "m365");
    sign_in::apply(&mut tenant, &export);
    tenant.audit_logging_enabled = export.admin_audit_log_config.as_ref().and_then(|c| {
        let known: Vec<bool> = c
            .iter()
            .filter_map(|c| c.unified_audit_log_ingestion_enabled)
            .collect();
        (!known.is_empty()).then(|| known.contains(&true))
    });
    let mut tenant_settings = Vec::new();
    if tenant.states_anything() {
        tenant_settings.push(tenant);
    }
    if let Some(spo) = export.spo_tenant.as_ref().and_then(|s| s.first()) {
        let mut sharepoint = TenantSettings::new(&account_id, "sharepoint");
        sharepoint.external_sharing = spo.sharing_capability.and_then(sharing_level);
        let mut onedrive = TenantSettings::new(&account_id, "onedrive");
        onedrive.external_sharing = spo.odb_sharing_capability.and_then(sharing_level);
        tenant_settings.extend([sharepoint, onedrive]);
    }

    let principals = export.privileged_users.map(|users| {
        users
            .into_iter()
            .map(|(id, u)| privileged_user(&account_id, id, u))
            .collect::<Vec<_>>()
    });

    let mut snapshot = crate::import::common::snapshot_of(
        Source::Scubagear,
        Account {
            id: account_id,
            provider: "m365".into(),
            name: detail
                .and_then(|d| d.display_name.clone())
                .or(meta.display_name.clone()),
        },
        captured_at,
        SOURCE_FORMAT,
        export
            .module_version
            .or(meta.tool_version.clone())
            .map(|v| format!("ScubaGear {v}")),
        read,
    );
    snapshot.principals = principals;
    snapshot.tenant_settings = (!tenant_settings.is_empty()).then_some(tenant_settings);
    Ok(snapshot)
}

/// A privileged user: an administrator when it holds the Global Administrator role; its roles
/// (each once, however many paths lead to it) kept in its attributes.
fn privileged_user(account: &str, id: String, u: PrivilegedUser) -> Principal {
    let roles = u.roles.map(|roles| {
        merge_repeats(roles, &format!("roles of privileged user {id}"), |r| {
            r.clone()
        })
    });
    let name = u.display_name.as_deref().unwrap_or(&id);
    Principal {
        admin: roles
            .as_ref()
            .map(|roles| roles.iter().any(|r| r == GLOBAL_ADMIN)),
        identity_source: u.on_premises_immutable_id.map(|immutable| {
            match immutable {
                Some(_) => "on-premises-ad",
                None => "entra-id",
            }
            .to_string()
        }),
        attributes: roles.map(|roles| serde_json::json!({ "roles": roles }).to_string()),
        ..Principal::new(&id, account, PrincipalKind::User, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import_text(text: &str) -> Result<Snapshot, ImportError> {
        crate::import::import_text(Source::Scubagear, "ProviderSettingsExport.json", text)
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
        assert!(
            s.grants.is_none(),
            "the export does not say how a role was assigned"
        );
        let p = s.provenance.expect("provenance");
        assert_eq!(p.source_version.as_deref(), Some("ScubaGear 1.6.0"));
        assert_eq!(p.files.len(), 1);
    }

    #[test]
    fn repeated_roles_merge_and_nothing_is_invented() {
        // One user holds SharePoint Administrator through two assignment paths; another's
        // OnPremisesImmutableId is null (cloud-only), a third's is absent (unknown).
        let s = import_text(
            r#"{"tenant_id": "t", "timestamp_zulu": "2026-11-20T09:00:00Z",
                "privileged_users": {
                  "u1": {"DisplayName": "Ada", "OnPremisesImmutableId": "abc==",
                         "roles": ["SharePoint Administrator", "Global Administrator", "SharePoint Administrator"]},
                  "u2": {"DisplayName": "Bob", "OnPremisesImmutableId": null, "roles": ["Global Administrator"]},
                  "u3": {"DisplayName": "Cy", "roles": null}}}"#,
        )
        .expect("a repeated role does not abort the import");
        let p = s.principals.as_ref().expect("principals");
        let by = |id: &str| p.iter().find(|p| p.id == id).expect(id);
        assert_eq!(
            by("u1").attributes.as_deref(),
            Some(r#"{"roles":["SharePoint Administrator","Global Administrator"]}"#)
        );
        let sources: Vec<_> = ["u1", "u2", "u3"]
            .iter()
            .map(|id| by(id).identity_source.as_deref())
            .collect();
        assert_eq!(sources, [Some("on-premises-ad"), Some("entra-id"), None]);
        assert_eq!(by("u3").admin, None, "roles: null says nothing");
        assert!(
            p.iter()
                .all(|p| p.interactive.is_none() && p.guest.is_none())
        );
        assert!(s.grants.is_none());
    }

    #[test]
    fn a_results_file_carrying_the_export_imports_with_its_metadata() {
        let results = r#"{"MetaData": {"TenantId": "0000-1111", "DisplayName": "Contoso",
                "DomainName": "contoso.onmicrosoft.com", "Tool": "ScubaGear", "ToolVersion": "1.8.0",
                "TimestampZulu": "2026-11-21T10:00:00Z"},
            "Summary": {"AAD": {"Failures": 3}}, "Results": {"AAD": []},
            "Raw": {"privileged_users": {"u1": {"DisplayName": "Ada", "roles": ["Global Administrator"]}},
                    "admin_audit_log_config": [{"UnifiedAuditLogIngestionEnabled": true}]}}"#;
        let s = crate::import::import_text(Source::Scubagear, "ScubaResults_1a2b.json", results)
            .expect("imports");
        assert_eq!(s.accounts[0].id, "contoso.onmicrosoft.com");
        assert_eq!(s.accounts[0].name.as_deref(), Some("Contoso"));
        assert_eq!(
            s.captured_at,
            crate::snapshot::time::parse("2026-11-21T10:00:00Z").expect("time")
        );
        let p = s.provenance.as_ref().expect("provenance");
        assert_eq!(p.source_version.as_deref(), Some("ScubaGear 1.8.0"));
        assert_eq!(s.principals.as_ref().map(Vec::len), Some(1));
        let e = crate::import::import_text(
            Source::Scubagear,
            "ScubaResults.json",
            r#"{"MetaData": {"TenantId": "t"}, "Results": {}}"#,
        )
        .expect_err("no Raw block");
        assert!(e.to_string().contains("`Raw`"), "{e}");
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
