//! The GitHub importer: a directory of GitHub REST API answers for one organisation (one JSON
//! file per endpoint, in the layout `examples/collect/github.sh` writes and docs/import.md
//! documents) → a snapshot of one GitHub organisation (provider `github`, id = the
//! organisation's login).
//!
//! Read: the organisation (its two-factor requirement → the `github` tenant settings'
//! `mfa_enforced`; member privileges and security defaults for new repositories → their
//! `attributes`), its people ([`people`]), its repositories and their default branch's
//! protection ([`repos`]), and its Actions permissions (the `github-actions` tenant settings'
//! `attributes`). A missing file leaves its section unknown; an error body GitHub answered
//! with leaves it unknown too, except the 404 "Branch not protected", which states that.

mod answers;
pub mod people;
pub mod repos;

use crate::import::common::{ImportError, Options, Source};
use crate::import::files::ExportFiles;
use crate::snapshot::{Account, Snapshot, TenantSettings, time};
use answers::Reply;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::Path;

/// The provenance `source_format` of this importer.
pub const SOURCE_FORMAT: &str = "github-rest-json";

/// The file the collection script writes first: when, for which organisation and with what.
pub const CAPTURE_FILE: &str = "posture-capture.json";

/// The organisation answer (`GET /orgs/{org}`).
pub const ORG: &str = "org.json";

/// The Actions permissions answer (`GET /orgs/{org}/actions/permissions`).
pub const ACTIONS_PERMISSIONS: &str = "actions-permissions.json";

/// The default workflow token permissions (`GET /orgs/{org}/actions/permissions/workflow`).
pub const ACTIONS_WORKFLOW: &str = "actions-workflow-permissions.json";

/// Organisation fields copied as they are into the `github` tenant settings' attributes:
/// member privileges and the security defaults for new repositories.
const ORG_ATTRIBUTES: &[&str] = &[
    "default_repository_permission",
    "members_can_create_repositories",
    "members_can_create_public_repositories",
    "members_can_create_private_repositories",
    "members_can_create_internal_repositories",
    "members_can_fork_private_repositories",
    "members_can_create_public_pages",
    "web_commit_signoff_required",
    "advanced_security_enabled_for_new_repositories",
    "dependabot_alerts_enabled_for_new_repositories",
    "dependabot_security_updates_enabled_for_new_repositories",
    "dependency_graph_enabled_for_new_repositories",
    "secret_scanning_enabled_for_new_repositories",
    "secret_scanning_push_protection_enabled_for_new_repositories",
    "secret_scanning_push_protection_custom_link_enabled",
    "secret_scanning_validity_checks_enabled",
    "deploy_keys_enabled_for_repositories",
];

/// `posture-capture.json`.
#[derive(Debug, Deserialize)]
struct Capture {
    captured_at: String,
    #[serde(default)]
    org: Option<String>,
    #[serde(default)]
    collector: Option<String>,
    #[serde(default)]
    api: Option<String>,
}

/// `GET /orgs/{org}`: the fields read with their types; the rest kept for the attributes.
#[derive(Debug, Deserialize)]
struct Org {
    login: String,
    #[serde(default)]
    name: Option<String>,
    /// Visible to owners only; `null` or absent otherwise.
    #[serde(default)]
    two_factor_requirement_enabled: Option<bool>,
    #[serde(default)]
    plan: Option<Plan>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
struct Plan {
    #[serde(default)]
    name: Option<String>,
}

/// `GET /orgs/{org}/actions/permissions`.
#[derive(Debug, Deserialize)]
struct ActionsPermissions {
    #[serde(default)]
    enabled_repositories: Option<String>,
    #[serde(default)]
    allowed_actions: Option<String>,
    #[serde(default)]
    sha_pinning_required: Option<bool>,
}

/// `GET /orgs/{org}/actions/permissions/workflow`.
#[derive(Debug, Deserialize)]
struct WorkflowPermissions {
    #[serde(default)]
    default_workflow_permissions: Option<String>,
    #[serde(default)]
    can_approve_pull_request_reviews: Option<bool>,
}

/// Settings of `service` with only attributes, kept when any were stated.
fn attributes_only(account: &str, service: &str, m: Map<String, Value>) -> Option<TenantSettings> {
    (!m.is_empty()).then(|| TenantSettings {
        attributes: Some(Value::Object(m).to_string()),
        ..TenantSettings::new(account, service)
    })
}

/// The `github` tenant settings from the organisation answer.
fn org_settings(account: &str, org: &Org) -> Option<TenantSettings> {
    let mut attributes = Map::new();
    for key in ORG_ATTRIBUTES {
        if let Some(v) = org.rest.get(*key).filter(|v| !v.is_null()) {
            attributes.insert((*key).into(), v.clone());
        }
    }
    if let Some(plan) = org.plan.as_ref().and_then(|p| p.name.clone()) {
        attributes.insert("plan".into(), plan.into());
    }
    let settings = TenantSettings {
        mfa_enforced: org.two_factor_requirement_enabled,
        attributes: (!attributes.is_empty()).then(|| Value::Object(attributes).to_string()),
        ..TenantSettings::new(account, "github")
    };
    settings.states_anything().then_some(settings)
}

/// The `github-actions` tenant settings.
fn actions_settings(
    files: &mut ExportFiles,
    account: &str,
) -> Result<Option<TenantSettings>, ImportError> {
    let mut m = Map::new();
    if let Some(p) = answers::object::<ActionsPermissions>(files, ACTIONS_PERMISSIONS)?.ok() {
        if let Some(v) = p.enabled_repositories {
            m.insert("enabled_repositories".into(), v.into());
        }
        if let Some(v) = p.allowed_actions {
            m.insert("allowed_actions".into(), v.into());
        }
        if let Some(v) = p.sha_pinning_required {
            m.insert("sha_pinning_required".into(), v.into());
        }
    }
    if let Some(w) = answers::object::<WorkflowPermissions>(files, ACTIONS_WORKFLOW)?.ok() {
        if let Some(v) = w.default_workflow_permissions {
            m.insert("default_workflow_permissions".into(), v.into());
        }
        if let Some(v) = w.can_approve_pull_request_reviews {
            m.insert("can_approve_pull_request_reviews".into(), v.into());
        }
    }
    Ok(attributes_only(account, "github-actions", m))
}

/// Imports the GitHub export directory `root`.
pub fn import(root: &Path, options: &Options) -> Result<Snapshot, ImportError> {
    let mut files = ExportFiles::open_dir(root)?;
    let capture: Option<Capture> = files.document(CAPTURE_FILE)?;
    let org = match answers::object::<Org>(&mut files, ORG)? {
        Reply::Ok(org) => Some(org),
        Reply::Error(_) | Reply::Missing => None,
    };
    let account_id = crate::import::common::account_id(
        options,
        org.as_ref()
            .map(|o| o.login.clone())
            .or_else(|| capture.as_ref().and_then(|c| c.org.clone())),
        &files.display(ORG),
        "org.json's login or posture-capture.json's org",
    )?;
    let found = match capture.as_ref() {
        Some(c) => Some(
            time::parse(&c.captured_at).map_err(|message| ImportError::Json {
                path: files.display(CAPTURE_FILE),
                pointer: "/captured_at".into(),
                message,
            })?,
        ),
        None => None,
    };
    let captured_at = crate::import::common::captured_at(
        options,
        found,
        &files.display(CAPTURE_FILE),
        "posture-capture.json",
    )?;

    let principals = people::collect(&mut files, &account_id)?;
    let storage = repos::collect(&mut files, &account_id)?;
    let mut tenant_settings = Vec::new();
    tenant_settings.extend(org.as_ref().and_then(|o| org_settings(&account_id, o)));
    tenant_settings.extend(actions_settings(&mut files, &account_id)?);

    let source_version = capture.as_ref().and_then(|c| {
        crate::import::common::joined_version(&[c.collector.as_deref(), c.api.as_deref()])
    });
    let mut snapshot = crate::import::common::snapshot_of(
        Source::Github,
        Account {
            id: account_id,
            provider: "github".into(),
            name: org.and_then(|o| o.name),
        },
        captured_at,
        SOURCE_FORMAT,
        source_version,
        files.into_read(),
    );
    snapshot.principals = principals;
    snapshot.storage = storage;
    snapshot.tenant_settings = (!tenant_settings.is_empty()).then_some(tenant_settings);
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::EntityKind;
    use std::fs;
    use std::path::PathBuf;

    /// `../shared/realdata/github-api` beside the project root (or under `POSTURE_REALDATA`,
    /// as for the conformance tests): the recorded GitHub answers. Missing data fails the
    /// test (it must not pass by skipping).
    fn realdata() -> PathBuf {
        let root = std::env::var_os("POSTURE_REALDATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/realdata"));
        let dir = root.join("github-api");
        assert!(
            dir.join("get-organization.json").is_file(),
            "the recorded GitHub API answers are missing: expected {} (../shared/realdata \
             beside the project root, or set POSTURE_REALDATA)",
            dir.display()
        );
        dir
    }

    /// The response bodies of the recorded exchanges `method path` answered `status` in
    /// `file` (octokit/fixtures' normalised form: a list of `{method, path, status, response,
    /// …}`), in recording order; fails when there is none.
    fn recorded_all(file: &str, method: &str, path: &str, status: u16) -> Vec<Value> {
        let text = fs::read_to_string(realdata().join(file)).expect("read the recording");
        let exchanges: Vec<Value> = serde_json::from_str(&text).expect("a list of exchanges");
        let found: Vec<Value> = exchanges
            .into_iter()
            .filter(|e| e["method"] == method && e["path"] == path && e["status"] == status)
            .map(|e| e["response"].clone())
            .collect();
        assert!(
            !found.is_empty(),
            "{file} has no {method} {path} answered {status}"
        );
        found
    }

    /// The first of [`recorded_all`].
    fn recorded(file: &str, method: &str, path: &str, status: u16) -> Value {
        recorded_all(file, method, path, status).remove(0)
    }

    fn export(files: &[(&str, String)]) -> tempfile::TempDir {
        crate::import::export_dir(files)
    }

    fn capture() -> (&'static str, String) {
        (
            CAPTURE_FILE,
            r#"{"captured_at": "2026-11-20T09:00:00Z", "org": "octokit-fixture-org", "collector": "posture examples/collect/github.sh 1"}"#.into(),
        )
    }

    #[test]
    fn the_recorded_github_answers_import() {
        let org = recorded(
            "get-organization.json",
            "get",
            "/orgs/octokit-fixture-org",
            200,
        );
        let repo = recorded(
            "get-repository.json",
            "get",
            "/repos/octokit-fixture-org/hello-world",
            200,
        );
        let collaborators = recorded(
            "add-and-remove-repository-collaborator.json",
            "get",
            "/repos/octokit-fixture-org/add-and-remove-repository-collaborator/collaborators",
            200,
        );
        let not_protected = recorded(
            "branch-protection.json",
            "get",
            "/repos/octokit-fixture-org/branch-protection/branches/main/protection",
            404,
        );
        // The recording's repository is `hello-world` on `master`; the 404 body GitHub gave
        // for a branch without protection is the same for any repository.
        let dir = export(&[
            capture(),
            (ORG, org.to_string()),
            (repos::REPOS, Value::Array(vec![repo]).to_string()),
            (
                &repos::protection_file("hello-world"),
                not_protected.to_string(),
            ),
            // The collaborators list has the same `simple-user` shape as the members list.
            (people::MEMBERS, collaborators.to_string()),
            (people::OWNERS, "[]".into()),
            (people::OUTSIDE, "[]".into()),
        ]);
        let s = import(dir.path(), &Options::default()).expect("imports");
        assert_eq!(s.accounts[0].id, "octokit-fixture-org");
        assert_eq!(s.accounts[0].provider, "github");
        let t = s.tenant_settings.as_ref().expect("settings");
        assert_eq!(t.len(), 1, "no Actions answers");
        assert_eq!(t[0].service, "github");
        assert_eq!(
            t[0].mfa_enforced,
            Some(false),
            "two_factor_requirement_enabled"
        );
        let attrs = t[0].attributes.as_deref().expect("attributes");
        assert!(
            attrs.contains("\"members_can_create_public_repositories\":true"),
            "{attrs}"
        );
        assert!(attrs.contains("\"plan\":\"team\""), "{attrs}");

        let repo = &s.storage.as_ref().expect("storage")[0];
        assert_eq!(repo.id, "octokit-fixture-org/hello-world");
        assert_eq!(
            (repo.public_read, repo.public_write),
            (Some(true), Some(false))
        );
        assert_eq!(repo.encrypted, None, "GitHub does not say");
        let a: Value = serde_json::from_str(repo.attributes.as_deref().expect("a")).expect("j");
        assert_eq!(a["default_branch"], "master");
        assert_eq!(a["default_branch_protected"], false);

        let p = s.principals.as_ref().expect("principals");
        assert_eq!(p.len(), 2);
        assert!(
            p.iter()
                .all(|p| p.admin == Some(false) && p.mfa_enabled.is_none())
        );
        let files = s.provenance.expect("provenance").files;
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert!(
            names.contains(&"org.json") && names.contains(&"repos.json"),
            "{names:?}"
        );
    }

    #[test]
    fn recorded_protections_are_read_setting_by_setting() {
        // The PUT answers have the GET answer's shape (the protection as it then stands): the
        // first protects the branch with nothing required, the second with reviews, checks
        // and push restrictions.
        let puts = recorded_all(
            "branch-protection.json",
            "put",
            "/repos/octokit-fixture-org/branch-protection/branches/main/protection",
            200,
        );
        assert_eq!(puts.len(), 2, "two recorded protections");
        let read = |protection: &Value| {
            let dir = export(&[
                capture(),
                (
                    repos::REPOS,
                    r#"[{"name": "branch-protection", "private": false, "default_branch": "main"}]"#
                        .into(),
                ),
                (
                    &repos::protection_file("branch-protection"),
                    protection.to_string(),
                ),
            ]);
            let s = import(dir.path(), &Options::default()).expect("imports");
            let repo = &s.storage.as_ref().expect("storage")[0];
            assert_eq!(repo.id, "octokit-fixture-org/branch-protection");
            assert_eq!(repo.public_read, Some(true), "private: false");
            let a: Value = serde_json::from_str(repo.attributes.as_deref().expect("a")).expect("j");
            assert_eq!(a["default_branch_protected"], true);
            a["default_branch_protection"].clone()
        };
        let bare = read(&puts[0]);
        assert_eq!(bare["pull_request_reviews_required"], false);
        assert_eq!(bare["status_checks_required"], false);
        assert_eq!(bare["enforce_admins"], false);
        let p = read(&puts[1]);
        assert_eq!(p["pull_request_reviews_required"], true);
        assert_eq!(p["required_approving_review_count"], 1);
        assert_eq!(p["dismiss_stale_reviews"], true);
        assert_eq!(p["enforce_admins"], true);
        assert_eq!(p["status_checks_strict"], true);
        assert_eq!(p["allow_force_pushes"], false);
        assert_eq!(p["push_restricted"], true);
    }

    #[test]
    fn two_factor_requirement_on_and_owners_without_it() {
        let dir = export(&[
            capture(),
            (
                ORG,
                r#"{"login": "acme", "name": "Acme", "two_factor_requirement_enabled": true,
                    "secret_scanning_enabled_for_new_repositories": false,
                    "dependabot_alerts_enabled_for_new_repositories": true}"#
                    .into(),
            ),
            (
                people::MEMBERS,
                r#"[{"login": "ann"}, {"login": "bob"}]"#.into(),
            ),
            (people::OWNERS, r#"[{"login": "ann"}]"#.into()),
            (people::MEMBERS_2FA_DISABLED, r#"[{"login": "ann"}]"#.into()),
            (people::OUTSIDE, "[]".into()),
            (
                ACTIONS_PERMISSIONS,
                r#"{"enabled_repositories": "all", "allowed_actions": "selected"}"#.into(),
            ),
            (
                ACTIONS_WORKFLOW,
                r#"{"message": "Resource not accessible by integration", "status": "403"}"#.into(),
            ),
        ]);
        let s = import(dir.path(), &Options::default()).expect("imports");
        assert_eq!(s.accounts[0].name.as_deref(), Some("Acme"));
        let t = s.tenant_settings.as_ref().expect("settings");
        let github = t.iter().find(|t| t.service == "github").expect("github");
        assert_eq!(github.mfa_enforced, Some(true));
        let attrs = github.attributes.as_deref().expect("attributes");
        assert!(attrs.contains("\"secret_scanning_enabled_for_new_repositories\":false"));
        assert!(attrs.contains("\"dependabot_alerts_enabled_for_new_repositories\":true"));
        let actions = t
            .iter()
            .find(|t| t.service == "github-actions")
            .expect("actions");
        let a = actions.attributes.as_deref().expect("attributes");
        assert!(a.contains("\"allowed_actions\":\"selected\""), "{a}");
        assert!(
            !a.contains("default_workflow_permissions"),
            "403 = unknown: {a}"
        );
        let p = s.principals.as_ref().expect("principals");
        let ann = p.iter().find(|p| p.id == "ann").expect("ann");
        assert_eq!((ann.admin, ann.mfa_enabled), (Some(true), Some(false)));
        assert!(s.storage.is_none(), "repositories not collected");
    }

    #[test]
    fn absent_files_leave_everything_unknown() {
        let dir = export(&[capture()]);
        let s = import(dir.path(), &Options::default()).expect("imports");
        assert_eq!(
            s.accounts[0].id, "octokit-fixture-org",
            "from the capture file"
        );
        for kind in EntityKind::ALL {
            assert!(s.count(kind).is_none(), "{kind}");
        }
        // The 2FA requirement is visible to owners only: null is unknown, not off.
        let dir = export(&[
            capture(),
            (
                ORG,
                r#"{"login": "o", "two_factor_requirement_enabled": null}"#.into(),
            ),
        ]);
        let s = import(dir.path(), &Options::default()).expect("imports");
        assert!(s.tenant_settings.is_none());
        assert_eq!(s.accounts[0].id, "o");
    }

    #[test]
    fn capture_time_account_and_types_are_checked() {
        let dir = export(&[(ORG, r#"{"login": "o"}"#.into())]);
        let e = import(dir.path(), &Options::default()).expect_err("no time");
        assert!(e.to_string().contains("--captured-at"), "{e}");
        let dir = export(&[(
            CAPTURE_FILE,
            r#"{"captured_at": "2026-11-20T09:00:00Z"}"#.into(),
        )]);
        let e = import(dir.path(), &Options::default()).expect_err("no org");
        assert!(e.to_string().contains("--account"), "{e}");
        let dir = export(&[
            capture(),
            (
                ORG,
                r#"{"login": "o", "two_factor_requirement_enabled": "yes"}"#.into(),
            ),
        ]);
        let e = import(dir.path(), &Options::default()).expect_err("wrong type");
        assert!(
            e.to_string()
                .contains("org.json: /two_factor_requirement_enabled"),
            "{e}"
        );
        let dir = export(&[(
            CAPTURE_FILE,
            r#"{"captured_at": "yesterday", "org": "o"}"#.into(),
        )]);
        let e = import(dir.path(), &Options::default()).expect_err("bad time");
        assert!(e.to_string().contains("/captured_at"), "{e}");
    }
}
