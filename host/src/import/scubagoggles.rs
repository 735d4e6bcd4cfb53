//! The Google Workspace importer: CISA ScubaGoggles' provider export (the JSON it writes
//! before evaluating, with `tenant_info`, `policies` per organisational unit, `super_admins`,
//! …) → a snapshot of one Google Workspace customer.
//!
//! Read: super administrators (the tenant's administrators) and other privileged users (each
//! once, however often the export repeats them), where each signs in (Google, or an external
//! identity provider through an inbound SSO assignment of its unit or group), 2-step
//! verification enrollment and enforcement per organisational unit (MFA is enforced when every
//! unit that sets it enforces it from a date already past), legacy access (less secure apps,
//! IMAP, POP) per unit, and Drive external sharing per unit (the widest any unit allows).
//! Settings a unit does not set are inherited and not repeated; a setting no unit states stays
//! unknown, as does a section the export reports an error for (`<section>_error`). The units
//! that fail a setting are named in the setting's attributes (`failing`), so a finding can
//! show them. The file may be the bare provider export or a `ScubaResults*.json` carrying it
//! (`super::scuba`).

use crate::import::common::{ImportError, Options, Source};
use crate::import::scuba::MetaData;
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
    /// Set (not null) when ScubaGoggles could not fetch the section.
    super_admins_error: Option<Value>,
    privileged_users: Option<Vec<AdminUser>>,
    privileged_users_error: Option<Value>,
    inbound_sso_assignments: Option<Vec<SsoAssignment>>,
    inbound_sso_assignments_error: Option<Value>,
    organizational_units: Option<OrgUnits>,
    timestamp_zulu: Option<String>,
    scubagoggles_version: Option<String>,
}

/// An inbound SSO profile assignment: users of a unit (and its sub-units, unless a nearer
/// assignment says otherwise) or of a group sign in with `ssoMode`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SsoAssignment {
    sso_mode: Option<String>,
    /// `orgUnits/<id>`.
    target_org_unit: Option<String>,
    /// `groups/<key>`.
    target_group: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct OrgUnits {
    organization_units: Vec<OrgUnit>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct OrgUnit {
    /// `id:<id>`.
    org_unit_id: Option<String>,
    org_unit_path: Option<String>,
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

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
struct AdminUser {
    primary_email: Option<String>,
    org_unit_path: Option<String>,
    group_keys: Option<Vec<String>>,
}

/// Where a user signs in, as the inbound SSO assignments say.
struct SignIn {
    /// (unit path with a leading `/`, mode) of the assignments to units.
    units: Vec<(String, String)>,
    /// (group key in lower case, mode) of the assignments to groups.
    groups: Vec<(String, String)>,
    /// An assignment names a unit the export's unit list does not hold: where it applies is
    /// unknown.
    unresolved: bool,
}

/// The identity source of users who sign in with Google, and of those sent elsewhere.
const GOOGLE: &str = "google-workspace";
const EXTERNAL: &str = "external-idp";

impl SignIn {
    /// The assignments, unless the export has none or reports an error fetching them.
    fn of(export: &Export) -> Option<SignIn> {
        if export.inbound_sso_assignments_error.is_some() {
            return None;
        }
        let assignments = export.inbound_sso_assignments.as_ref()?;
        // Unit id → path; an id listed with two different paths resolves to nothing.
        let mut units: BTreeMap<&str, Option<&str>> = BTreeMap::new();
        for u in export
            .organizational_units
            .iter()
            .flat_map(|o| &o.organization_units)
        {
            if let (Some(id), Some(path)) = (u.org_unit_id.as_deref(), u.org_unit_path.as_deref()) {
                let id = id.strip_prefix("id:").unwrap_or(id);
                let entry = units.entry(id).or_insert(Some(path));
                if *entry != Some(path) {
                    *entry = None;
                }
            }
        }
        let mut out = SignIn {
            units: Vec::new(),
            groups: Vec::new(),
            unresolved: false,
        };
        for a in assignments {
            let mode = a.sso_mode.as_deref().unwrap_or("").to_ascii_uppercase();
            if let Some(unit) = a.target_org_unit.as_deref().filter(|u| !u.is_empty()) {
                let id = unit.strip_prefix("orgUnits/").unwrap_or(unit);
                match units.get(id) {
                    Some(Some(path)) => out.units.push((with_slash(path), mode)),
                    _ => out.unresolved = true,
                }
            } else if let Some(group) = a.target_group.as_deref() {
                let key = group.strip_prefix("groups/").unwrap_or(group);
                if !key.is_empty() {
                    out.groups.push((key.to_lowercase(), mode));
                }
            }
        }
        Some(out)
    }

    /// Where `u` signs in: an assignment to one of its groups wins over its units' (any that
    /// sends it to another provider decides); else the nearest assignment up its unit's
    /// lineage; none at all means Google. Unknown when its groups or unit are unknown and
    /// could matter.
    fn source(&self, u: &AdminUser) -> Option<&'static str> {
        if !self.groups.is_empty() {
            let keys: Vec<String> = u
                .group_keys
                .as_ref()?
                .iter()
                .map(|k| k.to_lowercase())
                .collect();
            let modes: Vec<&str> = self
                .groups
                .iter()
                .filter(|(g, _)| keys.contains(g))
                .map(|(_, m)| m.as_str())
                .collect();
            if !modes.is_empty() {
                return Some(if modes.iter().all(|m| google_only(m)) {
                    GOOGLE
                } else {
                    EXTERNAL
                });
            }
        }
        if self.unresolved {
            return None;
        }
        let path = with_slash(u.org_unit_path.as_deref()?);
        let lineage: Vec<&(String, String)> = self
            .units
            .iter()
            .filter(|(p, _)| is_ancestor(p, &path))
            .collect();
        let depth = |p: &str| p.matches('/').count() - usize::from(p == "/");
        let nearest = lineage.iter().map(|(p, _)| depth(p)).max();
        // Several assignments to the nearest unit: any that sends the user elsewhere decides
        // (never the export's order).
        let elsewhere = lineage
            .iter()
            .filter(|(p, _)| Some(depth(p)) == nearest)
            .any(|(_, mode)| !google_only(mode));
        Some(if elsewhere { EXTERNAL } else { GOOGLE })
    }
}

/// A unit path with its leading `/` (the export writes `Parent/Child`, `` for the top).
fn with_slash(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

fn is_ancestor(ancestor: &str, path: &str) -> bool {
    ancestor == "/" || ancestor == path || path.starts_with(&format!("{ancestor}/"))
}

/// SSO modes that leave sign-in with Google.
fn google_only(mode: &str) -> bool {
    matches!(mode, "" | "SSO_OFF" | "SSO_MODE_UNSPECIFIED")
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
) -> Judged {
    let mut judged = Judged::default();
    for (unit, settings) in policies {
        if let Some(allow) = field(
            settings,
            "security_two_step_verification_enrollment",
            "allowEnrollment",
        )
        .and_then(Value::as_bool)
        {
            judged.said(allow, || {
                format!("{unit}: users may not enroll in 2-step verification")
            });
        }
        if let Some(from) = field(
            settings,
            "security_two_step_verification_enforcement",
            "enforcedFrom",
        ) {
            let t = from.as_str().and_then(|t| time::parse(t).ok());
            judged.said(t.is_some_and(|t| t > 0 && t <= captured_at), || match t {
                Some(t) if t > 0 => format!(
                    "{unit}: 2-step verification enforced only from {}",
                    from.as_str().unwrap_or_default()
                ),
                _ => format!("{unit}: 2-step verification not enforced"),
            });
        }
    }
    judged
}

/// A yes/no setting judged over the units that state it, with the units that fail it.
#[derive(Default)]
struct Judged {
    stated: bool,
    failing: Vec<String>,
}

impl Judged {
    fn said(&mut self, ok: bool, why_not: impl FnOnce() -> String) {
        self.stated = true;
        if !ok {
            self.failing.push(why_not());
        }
    }

    /// On when stated and no unit fails; unknown when no unit states it.
    fn value(&self) -> Option<bool> {
        self.stated.then_some(self.failing.is_empty())
    }
}

/// The access that bypasses 2-step verification, per unit: less secure apps (password-only
/// sign-in for old mail clients), IMAP and POP (mail clients that may sign in with the
/// password). Blocked when the top-level unit states all three off and no unit turns one on;
/// unknown when the top-level unit leaves one unstated and no unit turns one on.
fn legacy_access_blocked(
    policies: &BTreeMap<String, BTreeMap<String, Value>>,
    top: Option<&str>,
) -> Judged {
    const SETTINGS: [(&str, &str, &str); 3] = [
        (
            "security_less_secure_apps",
            "allowLessSecureApps",
            "less secure apps allowed",
        ),
        (
            "gmail_imap_access",
            "enableImapAccess",
            "IMAP access enabled",
        ),
        ("gmail_pop_access", "enablePopAccess", "POP access enabled"),
    ];
    let mut judged = Judged::default();
    let mut top_states_all = top.is_some();
    for (setting, name, allowed) in SETTINGS {
        if let Some(top) = top {
            top_states_all &= policies
                .get(top)
                .is_some_and(|s| field(s, setting, name).and_then(Value::as_bool).is_some());
        }
        // Only a boolean states the setting; anything else (null, a string) says nothing.
        for (unit, settings) in policies {
            if field(settings, setting, name).and_then(Value::as_bool) == Some(true) {
                judged.said(false, || format!("{unit}: {allowed}"));
            }
        }
    }
    judged.stated |= top_states_all;
    judged
}

/// The tenant setting's attributes naming the units that fail each setting, if any do.
fn failing_attributes(failing: &[(&str, &Judged)]) -> Option<String> {
    let named: serde_json::Map<String, Value> = failing
        .iter()
        .filter(|(_, j)| !j.failing.is_empty())
        .map(|(field, j)| ((*field).to_string(), serde_json::json!(j.failing)))
        .collect();
    (!named.is_empty()).then(|| serde_json::json!({ "failing": named }).to_string())
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

/// A listed administrator with its standing `admin` (see [`listed_once`]).
fn user(
    account: &str,
    u: &AdminUser,
    admin: Option<bool>,
    sign_in: Option<&SignIn>,
) -> Option<Principal> {
    let email = u.primary_email.as_deref()?;
    Some(Principal {
        login: Some(email.to_string()),
        admin,
        identity_source: sign_in.and_then(|s| s.source(u)).map(str::to_string),
        attributes: u
            .org_unit_path
            .as_ref()
            .map(|ou| serde_json::json!({ "org_unit_path": ou }).to_string()),
        ..Principal::new(email, account, PrincipalKind::User, email)
    })
}

/// Each address once, in the order first listed, with whether `super_admins` lists it. Real
/// exports repeat addresses (in one list, and a super admin among the privileged users too);
/// the repeats are merged field by field, so a unit or groups given in one listing only are
/// kept (ScubaGoggles gives the groups in `privileged_users`). Merges are counted at `-v`.
fn listed_once<'a>(
    supers: impl Iterator<Item = &'a AdminUser>,
    others: impl Iterator<Item = &'a AdminUser>,
) -> Vec<(AdminUser, bool)> {
    let mut out: Vec<(AdminUser, bool)> = Vec::new();
    let mut merged = 0usize;
    for (u, listed_super) in supers.map(|u| (u, true)).chain(others.map(|u| (u, false))) {
        let Some(email) = u.primary_email.as_deref() else {
            continue;
        };
        match out
            .iter_mut()
            .find(|(o, _)| o.primary_email.as_deref() == Some(email))
        {
            Some((o, _)) => {
                merged += 1;
                if o.org_unit_path.is_none() {
                    o.org_unit_path.clone_from(&u.org_unit_path);
                }
                if o.group_keys.is_none() {
                    o.group_keys.clone_from(&u.group_keys);
                }
            }
            None => out.push((u.clone(), listed_super)),
        }
    }
    if merged > 0 {
        tracing::info!("merged {merged} repeated administrator addresses of the export");
    }
    out
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
    let sign_in = SignIn::of(&export);
    let info = export.tenant_info.unwrap_or_default();
    let account_id = crate::import::common::account_id(
        options,
        info.domain
            .clone()
            .or(info.id.clone())
            .or(meta.domain_name.clone())
            .or(meta.tenant_id.clone()),
        path,
        "tenant_info.domain or ID, or MetaData.DomainName",
    )?;
    let captured_at =
        crate::import::scuba::captured_at(options, export.timestamp_zulu.as_deref(), meta, path)?;

    let mut tenant_settings = Vec::new();
    if let Some(policies) = &export.policies {
        let mut workspace = TenantSettings::new(&account_id, "google-workspace");
        let two_step = two_step_enforced(policies, captured_at);
        let legacy = legacy_access_blocked(policies, info.top_level_ou.as_deref());
        workspace.mfa_enforced = two_step.value();
        workspace.legacy_auth_blocked = legacy.value();
        workspace.attributes = failing_attributes(&[
            ("mfa_enforced", &two_step),
            ("legacy_auth_blocked", &legacy),
        ]);
        if workspace.states_anything() {
            tenant_settings.push(workspace);
        }
        let mut drive = TenantSettings::new(&account_id, "google-drive");
        drive.external_sharing = widest(policies.values().filter_map(drive_level));
        if drive.states_anything() {
            tenant_settings.push(drive);
        }
    }

    let supers = export
        .super_admins
        .filter(|_| export.super_admins_error.is_none());
    let others = export
        .privileged_users
        .filter(|_| export.privileged_users_error.is_none());
    let principals = (supers.is_some() || others.is_some()).then(|| {
        // Without the super-admin list a privileged user's standing is unknown.
        let standing = |listed_super: bool| {
            if listed_super {
                Some(true)
            } else {
                supers.is_some().then_some(false)
            }
        };
        listed_once(supers.iter().flatten(), others.iter().flatten())
            .into_iter()
            .filter_map(|(u, listed_super)| {
                user(&account_id, &u, standing(listed_super), sign_in.as_ref())
            })
            .collect::<Vec<_>>()
    });

    let mut snapshot = crate::import::common::snapshot_of(
        Source::Scubagoggles,
        Account {
            id: account_id,
            provider: "google-workspace".into(),
            name: info.top_level_ou.or(meta.display_name.clone()),
        },
        captured_at,
        SOURCE_FORMAT,
        export
            .scubagoggles_version
            .or(meta.tool_version.clone())
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
    fn repeated_addresses_merge_into_one_principal_each() {
        let s = import_text(&format!(
            r#"{{{HEAD},
              "super_admins": [{{"primaryEmail": "a@example.org"}}, {{"primaryEmail": "a@example.org"}},
                               {{"primaryEmail": "a@example.org"}}, {{"primaryEmail": "b@example.org"}}],
              "privileged_users": [{{"primaryEmail": "c@example.org"}}, {{"primaryEmail": "c@example.org"}},
                                   {{"primaryEmail": "a@example.org"}}]}}"#
        ))
        .expect("repeats do not abort the import");
        let p = s.principals.as_ref().expect("principals");
        let got: Vec<_> = p.iter().map(|p| (p.id.as_str(), p.admin)).collect();
        assert_eq!(
            got,
            [
                ("a@example.org", Some(true)),
                ("b@example.org", Some(true)),
                ("c@example.org", Some(false))
            ]
        );
        assert!(
            p.iter()
                .all(|p| p.identity_source.is_none() && p.interactive.is_none()),
            "no SSO assignments in the export: where they sign in is unknown"
        );
    }

    /// The units of the ScubaGoggles test cases: `/`, `/Parent`, `/Parent/Child`, `/Sibling`.
    const UNITS: &str = r#""organizational_units": {"organizationUnits": [
        {"orgUnitId": "id:top", "orgUnitPath": "/"}, {"orgUnitId": "id:parent", "orgUnitPath": "/Parent"},
        {"orgUnitId": "id:child", "orgUnitPath": "/Parent/Child"}, {"orgUnitId": "id:sibling", "orgUnitPath": "/Sibling"}]}"#;

    fn source_of(assignments: &str, user: &str) -> Option<String> {
        let s = import_text(&format!(
            r#"{{{HEAD}, {UNITS}, "inbound_sso_assignments": {assignments},
                "super_admins": [{user}]}}"#
        ))
        .expect("imports");
        s.principals.expect("principals")[0].identity_source.clone()
    }

    #[test]
    fn sso_assignments_decide_where_an_administrator_signs_in() {
        let child =
            r#"{"primaryEmail": "a@example.org", "orgUnitPath": "Parent/Child", "groupKeys": []}"#;
        let saml_parent = r#"{"ssoMode": "SAML_SSO", "targetOrgUnit": "orgUnits/parent"}"#;
        let off_child = r#"{"ssoMode": "SSO_OFF", "targetOrgUnit": "orgUnits/child"}"#;
        assert_eq!(source_of("[]", child).as_deref(), Some("google-workspace"));
        assert_eq!(
            source_of(&format!("[{saml_parent}]"), child).as_deref(),
            Some("external-idp"),
            "inherited from the parent unit"
        );
        assert_eq!(
            source_of(&format!("[{saml_parent}, {off_child}]"), child).as_deref(),
            Some("google-workspace"),
            "the nearest assignment wins"
        );
        let top = r#"{"primaryEmail": "a@example.org", "orgUnitPath": "", "groupKeys": []}"#;
        let oidc_top = r#"[{"ssoMode": "OIDC_SSO", "targetOrgUnit": "orgUnits/top"}]"#;
        assert_eq!(source_of(oidc_top, top).as_deref(), Some("external-idp"));
        let in_group = r#"{"primaryEmail": "a@example.org", "orgUnitPath": "Parent", "groupKeys": ["Admins@example.org"]}"#;
        let group_saml = r#"{"ssoMode": "SAML_SSO", "targetGroup": "groups/admins@example.org"}"#;
        let off_parent = r#"{"ssoMode": "SSO_OFF", "targetOrgUnit": "orgUnits/parent"}"#;
        assert_eq!(
            source_of(&format!("[{group_saml}, {off_parent}]"), in_group).as_deref(),
            Some("external-idp"),
            "a group's assignment wins over the unit's"
        );
        let no_groups = r#"{"primaryEmail": "a@example.org", "orgUnitPath": "Parent"}"#;
        assert_eq!(
            source_of(&format!("[{group_saml}, {off_parent}]"), no_groups),
            None,
            "its groups are unknown and a group assignment exists"
        );
        let unknown_unit = r#"[{"ssoMode": "SAML_SSO", "targetOrgUnit": "orgUnits/elsewhere"}]"#;
        assert_eq!(source_of(unknown_unit, child), None);
        let s = import_text(&format!(
            r#"{{{HEAD}, {UNITS}, "inbound_sso_assignments": [], "inbound_sso_assignments_error": "insufficient scope",
                "super_admins": [{child}]}}"#
        ))
        .expect("imports");
        assert_eq!(s.principals.expect("principals")[0].identity_source, None);
        let s = import_text(&format!(
            r#"{{{HEAD}, "super_admins": [], "super_admins_error": "Permission denied"}}"#
        ))
        .expect("imports");
        assert!(
            s.principals.is_none(),
            "a section fetched with an error is unknown"
        );
    }

    #[test]
    fn merged_listings_keep_the_groups_and_ties_never_follow_the_export_order() {
        // The super admin's groups are given only in `privileged_users`.
        let s = import_text(&format!(
            r#"{{{HEAD}, {UNITS},
                "inbound_sso_assignments": [{{"ssoMode": "SAML_SSO", "targetGroup": "groups/admins@example.org"}}],
                "super_admins": [{{"primaryEmail": "a@example.org", "orgUnitPath": ""}}],
                "privileged_users": [{{"primaryEmail": "a@example.org", "orgUnitPath": "", "groupKeys": ["admins@example.org"]}}]}}"#
        ))
        .expect("imports");
        let p = s.principals.expect("principals");
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].admin, p[0].identity_source.as_deref()),
            (Some(true), Some("external-idp"))
        );
        // Two assignments to one unit: either order gives the same answer.
        let off = r#"{"ssoMode": "SSO_OFF", "targetOrgUnit": "orgUnits/parent"}"#;
        let saml = r#"{"ssoMode": "SAML_SSO", "targetOrgUnit": "orgUnits/parent"}"#;
        let user = r#"{"primaryEmail": "a@example.org", "orgUnitPath": "Parent", "groupKeys": []}"#;
        assert_eq!(
            source_of(&format!("[{off}, {saml}]"), user),
            source_of(&format!("[{saml}, {off}]"), user)
        );
        assert_eq!(
            source_of(&format!("[{off}, {saml}]"), user).as_deref(),
            Some("external-idp")
        );
    }

    fn workspace(policies: &str) -> TenantSettings {
        let s = import_text(&format!(
            r#"{{"tenant_info": {{"domain": "example.org", "topLevelOU": "topOU"}},
                "timestamp_zulu": "2026-11-20T09:00:00Z", "policies": {policies}}}"#
        ))
        .expect("imports");
        s.tenant_settings
            .expect("settings")
            .into_iter()
            .find(|t| t.service == "google-workspace")
            .expect("workspace")
    }

    #[test]
    fn legacy_access_and_two_step_name_the_failing_units() {
        let t = workspace(
            r#"{"topOU": {"security_less_secure_apps": {"allowLessSecureApps": true},
                          "gmail_imap_access": {"enableImapAccess": false},
                          "gmail_pop_access": {"enablePopAccess": false},
                          "security_two_step_verification_enrollment": {"allowEnrollment": true},
                          "security_two_step_verification_enforcement": {"enforcedFrom": "2024-01-01T00:00:00Z"}},
                "nextOU": {"gmail_imap_access": {"enableImapAccess": true}},
                "lab": {"security_two_step_verification_enforcement": {"enforcedFrom": "2035-01-01T00:00:00Z"}}}"#,
        );
        assert_eq!(t.legacy_auth_blocked, Some(false));
        assert_eq!(t.mfa_enforced, Some(false));
        let attributes: Value =
            serde_json::from_str(t.attributes.as_deref().expect("attributes")).expect("json");
        assert_eq!(
            attributes,
            serde_json::json!({"failing": {
                "mfa_enforced": ["lab: 2-step verification enforced only from 2035-01-01T00:00:00Z"],
                "legacy_auth_blocked": ["topOU: less secure apps allowed", "nextOU: IMAP access enabled"]
            }})
        );
        let off = r#""security_less_secure_apps": {"allowLessSecureApps": false},
                     "gmail_imap_access": {"enableImapAccess": false}"#;
        let blocked = workspace(&format!(
            r#"{{"topOU": {{{off}, "gmail_pop_access": {{"enablePopAccess": false}}}}}}"#
        ));
        assert_eq!(blocked.legacy_auth_blocked, Some(true));
        assert_eq!(blocked.attributes, None);
        let pop_unstated = import_text(&format!(
            r#"{{"tenant_info": {{"domain": "example.org", "topLevelOU": "topOU"}},
                "timestamp_zulu": "2026-11-20T09:00:00Z", "policies": {{"topOU": {{{off}}}}}}}"#
        ))
        .expect("imports");
        let null_pop = import_text(&format!(
            r#"{{"tenant_info": {{"domain": "example.org", "topLevelOU": "topOU"}},
                "timestamp_zulu": "2026-11-20T09:00:00Z",
                "policies": {{"topOU": {{{off}, "gmail_pop_access": {{"enablePopAccess": null}}}}}}}}"#
        ))
        .expect("imports");
        assert!(
            null_pop.tenant_settings.is_none(),
            "null states nothing, and is not 'allowed'"
        );
        assert_eq!(
            pop_unstated
                .tenant_settings
                .and_then(|t| t.into_iter().find(|t| t.service == "google-workspace"))
                .and_then(|t| t.legacy_auth_blocked),
            None,
            "POP unstated at the top: unknown"
        );
    }

    #[test]
    fn a_results_file_carrying_the_export_imports_with_its_metadata() {
        let results = r#"{"MetaData": {"DomainName": "example.org", "Tool": "ScubaGoggles",
                "ToolVersion": "0.5.0", "TimestampZulu": "2026-11-21T10:00:00Z"},
            "Summary": {}, "Results": {},
            "Raw": {"super_admins": [{"primaryEmail": "a@example.org"}]}}"#;
        let s = import_text(results).expect("imports");
        assert_eq!(s.accounts[0].id, "example.org");
        assert_eq!(
            s.provenance.and_then(|p| p.source_version).as_deref(),
            Some("ScubaGoggles 0.5.0")
        );
        assert_eq!(s.principals.map(|p| p.len()), Some(1));
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
