//! The Google Workspace importer: CISA ScubaGoggles' provider export (the JSON it writes
//! before evaluating, with `tenant_info`, `policies` per organisational unit, `super_admins`,
//! …) → a snapshot of one Google Workspace customer.
//!
//! Read: super administrators (the tenant's administrators) and other privileged users,
//! 2-step verification enrollment and enforcement per organisational unit (MFA is enforced
//! when every unit that sets it enforces it from a date already past), and Drive external
//! sharing per unit (the widest any unit allows). Settings a unit does not set are inherited
//! and not repeated; a setting no unit states stays unknown.

use crate::import::common::{ImportError, Options, Source};
use crate::snapshot::time;
use crate::snapshot::{
    Account, Principal, PrincipalKind, ProvenanceFile, SharingLevel, Snapshot, TenantSettings,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The provenance `source_format` of this importer.
pub const SOURCE_FORMAT: &str = "scubagoggles-provider-export";

/// The export document (the sections posture reads).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Export {
    tenant_info: Option<TenantInfo>,
    /// Settings per organisational unit: OU name → setting name → fields.
    policies: Option<BTreeMap<String, BTreeMap<String, Value>>>,
    super_admins: Option<Vec<AdminUser>>,
    privileged_users: Option<Vec<AdminUser>>,
    timestamp_zulu: Option<String>,
    scubagoggles_version: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TenantInfo {
    #[serde(rename = "ID")]
    id: Option<String>,
    domain: Option<String>,
    #[serde(rename = "topLevelOU")]
    top_level_ou: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct AdminUser {
    primary_email: Option<String>,
    org_unit_path: Option<String>,
}

/// One field of one setting of one unit, if the unit sets it.
fn field<'a>(
    settings: &'a BTreeMap<String, Value>,
    setting: &str,
    name: &str,
) -> Option<&'a Value> {
    settings.get(setting)?.get(name)
}

/// Whether 2-step verification is enforced for everyone: `None` when no unit says anything.
/// A unit that forbids enrollment, or whose enforcement date is unset (the epoch) or still in
/// the future, is not enforced.
fn two_step_enforced(
    policies: &BTreeMap<String, BTreeMap<String, Value>>,
    captured_at: i64,
) -> Option<bool> {
    let mut said = Vec::new();
    for settings in policies.values() {
        if let Some(allow) = field(
            settings,
            "security_two_step_verification_enrollment",
            "allowEnrollment",
        ) {
            said.push(allow.as_bool() == Some(true));
        }
        if let Some(from) = field(
            settings,
            "security_two_step_verification_enforcement",
            "enforcedFrom",
        ) {
            let t = from.as_str().and_then(|t| time::parse(t).ok());
            said.push(t.is_some_and(|t| t > 0 && t <= captured_at));
        }
    }
    (!said.is_empty()).then(|| said.iter().all(|ok| *ok))
}

/// Drive's external sharing mode of one unit → level. Publishing files to the web is sharing
/// with anyone.
fn drive_level(settings: &BTreeMap<String, Value>) -> Option<SharingLevel> {
    let mode = field(
        settings,
        "drive_and_docs_external_sharing",
        "externalSharingMode",
    )?
    .as_str()?;
    let publish = field(
        settings,
        "drive_and_docs_external_sharing",
        "allowPublishingFiles",
    )
    .and_then(Value::as_bool)
        == Some(true);
    Some(match mode {
        "DISALLOWED" => SharingLevel::InternalOnly,
        _ if publish => SharingLevel::Anyone,
        "ALLOWLISTED_DOMAINS" | "ALLOWED" => SharingLevel::NewAndExistingGuests,
        _ => return None,
    })
}

fn widest(levels: impl Iterator<Item = SharingLevel>) -> Option<SharingLevel> {
    const ORDER: [SharingLevel; 4] = [
        SharingLevel::InternalOnly,
        SharingLevel::ExistingGuests,
        SharingLevel::NewAndExistingGuests,
        SharingLevel::Anyone,
    ];
    levels.max_by_key(|l| ORDER.iter().position(|o| o == l))
}

fn user(account: &str, u: &AdminUser, admin: bool) -> Option<Principal> {
    let email = u.primary_email.clone()?;
    Some(Principal {
        id: email.clone(),
        account: account.to_string(),
        kind: PrincipalKind::User,
        name: email.clone(),
        login: Some(email),
        status: None,
        admin: Some(admin),
        interactive: Some(true),
        mfa_enabled: None,
        mfa_methods: Vec::new(),
        created: None,
        last_sign_in: None,
        credentials: Vec::new(),
        identity_source: Some("google-workspace".into()),
        employment: None,
        guest: Some(false),
        access_expires: None,
        last_reviewed: None,
        tags: Vec::new(),
        attributes: u
            .org_unit_path
            .as_ref()
            .map(|ou| serde_json::json!({ "org_unit_path": ou }).to_string()),
    })
}

/// Builds the snapshot from a parsed export; `path` names it in errors, `read` is the
/// files read (for provenance).
pub(super) fn build(
    export: Export,
    options: &Options,
    path: &str,
    read: Vec<ProvenanceFile>,
) -> Result<Snapshot, ImportError> {
    let info = export.tenant_info.unwrap_or_default();
    let account_id = crate::import::common::account_id(
        options,
        info.domain.clone().or(info.id.clone()),
        path,
        "tenant_info.domain or ID",
    )?;
    let found = export
        .timestamp_zulu
        .as_deref()
        .and_then(|t| time::parse(t).ok());
    let captured_at = crate::import::common::captured_at(options, found, path, "timestamp_zulu")?;

    let mut tenant_settings = Vec::new();
    if let Some(policies) = &export.policies {
        let mut workspace = TenantSettings::new(&account_id, "google-workspace");
        workspace.mfa_enforced = two_step_enforced(policies, captured_at);
        if workspace.states_anything() {
            tenant_settings.push(workspace);
        }
        let mut drive = TenantSettings::new(&account_id, "google-drive");
        drive.external_sharing = widest(policies.values().filter_map(drive_level));
        if drive.states_anything() {
            tenant_settings.push(drive);
        }
    }

    let principals = match (&export.super_admins, &export.privileged_users) {
        (None, None) => None,
        (supers, others) => {
            let mut out: Vec<Principal> = supers
                .iter()
                .flatten()
                .filter_map(|u| user(&account_id, u, true))
                .collect();
            for u in others.iter().flatten() {
                // Without the super-admin list a privileged user's standing is unknown.
                if let Some(p) = user(&account_id, u, false)
                    && !out.iter().any(|o| o.id == p.id)
                {
                    out.push(Principal {
                        admin: supers.is_some().then_some(false),
                        ..p
                    });
                }
            }
            Some(out)
        }
    };

    let mut snapshot = crate::import::common::snapshot_of(
        Source::Scubagoggles,
        Account {
            id: account_id,
            provider: "google-workspace".into(),
            name: info.top_level_ou,
        },
        captured_at,
        SOURCE_FORMAT,
        export
            .scubagoggles_version
            .map(|v| format!("ScubaGoggles {v}")),
        read,
    );
    snapshot.principals = principals;
    snapshot.tenant_settings = (!tenant_settings.is_empty()).then_some(tenant_settings);
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import_text(text: &str) -> Result<Snapshot, ImportError> {
        crate::import::import_text(Source::Scubagoggles, "ProviderExport.json", text)
    }

    const HEAD: &str = r#""tenant_info": {"domain": "example.org", "topLevelOU": "Example"}, "timestamp_zulu": "2026-11-20T09:00:00Z""#;

    #[test]
    fn units_combine_into_tenant_settings() {
        let s = import_text(&format!(
            r#"{{{HEAD}, "policies": {{
                "top": {{"security_two_step_verification_enrollment": {{"allowEnrollment": true}},
                         "security_two_step_verification_enforcement": {{"enforcedFrom": "2024-02-16T23:22:21.732Z"}},
                         "drive_and_docs_external_sharing": {{"externalSharingMode": "DISALLOWED"}}}},
                "sales": {{"drive_and_docs_external_sharing": {{"externalSharingMode": "ALLOWED", "allowPublishingFiles": true}}}},
                "lab": {{"security_two_step_verification_enforcement": {{"enforcedFrom": "2035-01-01T00:00:00Z"}}}}}},
              "super_admins": [{{"primaryEmail": "a@example.org"}}, {{"primaryEmail": "b@example.org"}}],
              "privileged_users": [{{"primaryEmail": "c@example.org"}}],
              "unknown_section": 1}}"#
        ))
        .expect("imports");
        assert_eq!(s.accounts[0].id, "example.org");
        let t = s.tenant_settings.as_ref().expect("settings");
        let get = |svc: &str| t.iter().find(|t| t.service == svc).expect(svc);
        assert_eq!(
            get("google-workspace").mfa_enforced,
            Some(false),
            "the lab unit enforces only from 2035"
        );
        assert_eq!(
            get("google-drive").external_sharing,
            Some(SharingLevel::Anyone)
        );
        let p = s.principals.as_ref().expect("principals");
        assert_eq!(p.iter().filter(|p| p.admin == Some(true)).count(), 2);
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn silence_stays_unknown_and_wrong_types_are_named() {
        let s =
            import_text(&format!(r#"{{{HEAD}, "policies": {{"top": {{}}}}}}"#)).expect("imports");
        assert!(s.tenant_settings.is_none() && s.principals.is_none());
        let e = import_text(&format!(
            r#"{{{HEAD}, "super_admins": [{{"primaryEmail": 7}}]}}"#
        ))
        .expect_err("wrong type");
        assert!(
            e.to_string().contains("/super_admins/0/primaryEmail"),
            "{e}"
        );
        let e =
            import_text(r#"{"timestamp_zulu": "2026-11-20T09:00:00Z"}"#).expect_err("no customer");
        assert!(e.to_string().contains("--account"), "{e}");
    }
}
