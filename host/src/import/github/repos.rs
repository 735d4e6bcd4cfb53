//! The organisation's repositories (`GET /orgs/{org}/repos`) and their default branch's
//! protection (`GET /repos/{org}/{repo}/branches/{branch}/protection`) → storage of kind
//! `repository`.
//!
//! Visibility is what GitHub states (`visibility`, else the older `private`): a public
//! repository can be read by anyone on the internet; no repository can be written by anyone
//! without an account GitHub grants push to, so public write is `false` whenever the
//! visibility is known. Branch protection has no typed field: it goes into the storage's
//! `attributes` (`default_branch_protected`, `default_branch_protection`), where GitHub's
//! 404 "Branch not protected" is the stated fact "not protected" and any other error
//! (forbidden, not found, a plan without branch protection) leaves it unknown.

use super::answers::{self, Reply};
use crate::import::common::ImportError;
use crate::import::files::{ExportFiles, safe_component};
use crate::snapshot::{Storage, StorageKind};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The repositories answer.
pub const REPOS: &str = "repos.json";

/// The message of GitHub's 404 answer for a branch without protection.
const NOT_PROTECTED: &str = "Branch not protected";

/// One repository as GitHub lists it; other fields are ignored.
#[derive(Debug, Deserialize)]
struct Repo {
    name: String,
    #[serde(default)]
    full_name: Option<String>,
    #[serde(default)]
    private: Option<bool>,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default)]
    archived: Option<bool>,
    #[serde(default)]
    fork: Option<bool>,
    #[serde(default)]
    default_branch: Option<String>,
    #[serde(default)]
    allow_forking: Option<bool>,
    #[serde(default)]
    web_commit_signoff_required: Option<bool>,
    #[serde(default)]
    topics: Option<Vec<String>>,
    #[serde(default)]
    security_and_analysis: Option<Value>,
}

/// `{"enabled": bool}`, the shape of most protection settings.
#[derive(Debug, Deserialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Debug, Deserialize)]
struct Reviews {
    #[serde(default)]
    required_approving_review_count: Option<u32>,
    #[serde(default)]
    dismiss_stale_reviews: Option<bool>,
    #[serde(default)]
    require_code_owner_reviews: Option<bool>,
    #[serde(default)]
    require_last_push_approval: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct StatusChecks {
    #[serde(default)]
    strict: Option<bool>,
    #[serde(default)]
    contexts: Vec<String>,
}

/// A branch's protection (GET answers the whole configuration: a setting it leaves out is
/// off).
#[derive(Debug, Deserialize)]
struct Protection {
    #[serde(default)]
    required_pull_request_reviews: Option<Reviews>,
    #[serde(default)]
    required_status_checks: Option<StatusChecks>,
    #[serde(default)]
    enforce_admins: Option<Enabled>,
    #[serde(default)]
    required_signatures: Option<Enabled>,
    #[serde(default)]
    required_linear_history: Option<Enabled>,
    #[serde(default)]
    allow_force_pushes: Option<Enabled>,
    #[serde(default)]
    allow_deletions: Option<Enabled>,
    #[serde(default)]
    required_conversation_resolution: Option<Enabled>,
    #[serde(default)]
    restrictions: Option<Value>,
}

/// The protection as attributes: each setting GitHub states, by name.
fn protection_attributes(p: &Protection) -> Value {
    let on = |e: &Option<Enabled>| e.as_ref().is_some_and(|e| e.enabled);
    let mut m = Map::new();
    let reviews = p.required_pull_request_reviews.as_ref();
    m.insert(
        "pull_request_reviews_required".into(),
        reviews.is_some().into(),
    );
    if let Some(r) = reviews {
        if let Some(n) = r.required_approving_review_count {
            m.insert("required_approving_review_count".into(), n.into());
        }
        for (key, v) in [
            ("dismiss_stale_reviews", r.dismiss_stale_reviews),
            ("require_code_owner_reviews", r.require_code_owner_reviews),
            ("require_last_push_approval", r.require_last_push_approval),
        ] {
            if let Some(v) = v {
                m.insert(key.into(), v.into());
            }
        }
    }
    let checks = p.required_status_checks.as_ref();
    m.insert("status_checks_required".into(), checks.is_some().into());
    if let Some(c) = checks {
        if let Some(strict) = c.strict {
            m.insert("status_checks_strict".into(), strict.into());
        }
        m.insert("status_check_contexts".into(), c.contexts.clone().into());
    }
    for (key, v) in [
        ("enforce_admins", &p.enforce_admins),
        ("required_signatures", &p.required_signatures),
        ("required_linear_history", &p.required_linear_history),
        ("allow_force_pushes", &p.allow_force_pushes),
        ("allow_deletions", &p.allow_deletions),
        (
            "required_conversation_resolution",
            &p.required_conversation_resolution,
        ),
    ] {
        m.insert(key.into(), on(v).into());
    }
    m.insert(
        "push_restricted".into(),
        p.restrictions.as_ref().is_some_and(|r| !r.is_null()).into(),
    );
    Value::Object(m)
}

/// The file holding `repo`'s default-branch protection answer.
pub fn protection_file(repo: &str) -> String {
    format!("repos/{repo}/branch-protection.json")
}

/// Reads the repositories; `None` when the list was not collected (or is an error).
pub fn collect(
    files: &mut ExportFiles,
    account: &str,
) -> Result<Option<Vec<Storage>>, ImportError> {
    let Some(repos) = answers::list::<Repo>(files, REPOS)?.ok() else {
        return Ok(None);
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for repo in repos {
        if !seen.insert(repo.name.to_lowercase()) {
            continue; // listed twice (pages shifted while collecting): one repository
        }
        if !safe_component(&repo.name) {
            return Err(ImportError::Invalid {
                path: files.display(REPOS),
                message: format!("repository name `{}` cannot be a directory name", repo.name),
            });
        }
        out.push(storage(files, account, repo)?);
    }
    Ok(Some(out))
}

fn storage(files: &mut ExportFiles, account: &str, repo: Repo) -> Result<Storage, ImportError> {
    let public = match (repo.visibility.as_deref(), repo.private) {
        (Some("public"), _) => Some(true),
        (Some("private" | "internal"), _) => Some(false),
        (Some(_), _) => None,
        (None, Some(private)) => Some(!private),
        (None, None) => None,
    };
    let protected = if repo.default_branch.is_some() {
        match answers::object::<Protection>(files, &protection_file(&repo.name))? {
            Reply::Ok(p) => Some((true, Some(protection_attributes(&p)))),
            Reply::Error(e) if e.message == NOT_PROTECTED && e.status.is_none_or(|s| s == 404) => {
                Some((false, None))
            }
            Reply::Error(_) | Reply::Missing => None,
        }
    } else {
        None
    };

    let mut attributes = Map::new();
    let visibility = repo.visibility.clone().or_else(|| {
        repo.private
            .map(|p| if p { "private" } else { "public" }.to_string())
    });
    if let Some(v) = visibility {
        attributes.insert("visibility".into(), v.into());
    }
    for (key, v) in [
        ("archived", repo.archived),
        ("fork", repo.fork),
        ("allow_forking", repo.allow_forking),
        (
            "web_commit_signoff_required",
            repo.web_commit_signoff_required,
        ),
    ] {
        if let Some(v) = v {
            attributes.insert(key.into(), v.into());
        }
    }
    if let Some(b) = &repo.default_branch {
        attributes.insert("default_branch".into(), b.clone().into());
    }
    if let Some((is, details)) = protected {
        attributes.insert("default_branch_protected".into(), is.into());
        if let Some(d) = details {
            attributes.insert("default_branch_protection".into(), d);
        }
    }
    if let Some(topics) = repo.topics.filter(|t| !t.is_empty()) {
        attributes.insert("topics".into(), topics.into());
    }
    if let Some(s) = repo.security_and_analysis.filter(|s| !s.is_null()) {
        attributes.insert("security_and_analysis".into(), s);
    }

    Ok(Storage {
        id: repo
            .full_name
            .clone()
            .unwrap_or_else(|| format!("{account}/{}", repo.name)),
        account: account.to_string(),
        kind: StorageKind::Repository,
        name: repo.name,
        region: None,
        public_read: public,
        public_write: public.map(|_| false),
        public_access_block: None,
        encrypted: None,
        encryption_key: None,
        transport_encryption_enforced: None,
        versioning: None,
        immutable: None,
        tags: Vec::new(),
        attributes: Some(Value::Object(attributes).to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repos(files: &[(&str, &str)]) -> Vec<Storage> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, body) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, body).expect("write");
        }
        let mut f = ExportFiles::open_dir(dir.path()).expect("open");
        collect(&mut f, "org").expect("imports").expect("repos")
    }

    fn attrs(s: &Storage) -> Value {
        serde_json::from_str(s.attributes.as_deref().expect("attributes")).expect("json")
    }

    #[test]
    fn visibility_and_protection_as_stated() {
        let r = repos(&[
            (
                REPOS,
                r#"[{"name": "site", "full_name": "org/site", "visibility": "public", "default_branch": "main"},
                    {"name": "core", "full_name": "org/core", "private": true, "visibility": "private", "default_branch": "main"},
                    {"name": "old", "private": true, "default_branch": "master"}]
                   [{"name": "site", "full_name": "org/site", "visibility": "public"},
                    {"name": "mystery"}]"#,
            ),
            (
                "repos/site/branch-protection.json",
                r#"{"message": "Branch not protected", "documentation_url": "https://docs.github.com/rest", "status": "404"}"#,
            ),
            (
                "repos/core/branch-protection.json",
                r#"{"required_pull_request_reviews": {"required_approving_review_count": 2},
                    "enforce_admins": {"enabled": true}, "allow_force_pushes": {"enabled": false}}"#,
            ),
            (
                "repos/old/branch-protection.json",
                r#"{"message": "Upgrade to GitHub Pro or make this repository public to enable this feature.", "status": "403"}"#,
            ),
        ]);
        assert_eq!(r.len(), 4, "site listed twice is one repository");
        let site = &r[0];
        assert_eq!(
            (site.id.as_str(), site.kind),
            ("org/site", StorageKind::Repository)
        );
        assert_eq!(
            (site.public_read, site.public_write),
            (Some(true), Some(false))
        );
        assert_eq!(attrs(site)["default_branch_protected"], false);
        let core = &r[1];
        assert_eq!(core.public_read, Some(false));
        let a = attrs(core);
        assert_eq!(a["default_branch_protected"], true);
        assert_eq!(
            a["default_branch_protection"]["required_approving_review_count"],
            2
        );
        assert_eq!(a["default_branch_protection"]["enforce_admins"], true);
        assert_eq!(
            a["default_branch_protection"]["status_checks_required"],
            false
        );
        let old = &r[2];
        assert_eq!((old.id.as_str(), old.public_read), ("org/old", Some(false)));
        assert!(
            attrs(old).get("default_branch_protected").is_none(),
            "403 = unknown"
        );
        let mystery = &r[3];
        assert_eq!((mystery.public_read, mystery.public_write), (None, None));
    }

    #[test]
    fn names_that_would_leave_the_export_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(REPOS), r#"[{"name": ".."}]"#).expect("write");
        let mut f = ExportFiles::open_dir(dir.path()).expect("open");
        let e = collect(&mut f, "org").expect_err("escape");
        assert!(e.to_string().contains("cannot be a directory name"), "{e}");
    }
}
