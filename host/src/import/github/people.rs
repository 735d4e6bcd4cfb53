//! The organisation's people: members (`GET /orgs/{org}/members`), owners (`?role=admin`),
//! members without two-factor authentication (`?filter=2fa_disabled`), outside collaborators
//! (`GET /orgs/{org}/outside_collaborators`, and its `?filter=2fa_disabled`) → principals.
//!
//! A person listed twice (the same login on two pages, or in two answers) is one principal.
//! Whether someone is an owner is known only when the owners answer was collected; whether
//! someone has two-factor authentication only when the matching `2fa_disabled` answer was
//! collected (a person it lists has none, a person it does not list has it). Everything
//! else stays unknown.

use super::answers;
use crate::import::common::ImportError;
use crate::import::files::ExportFiles;
use crate::snapshot::{Principal, PrincipalKind};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The members answer (all roles).
pub const MEMBERS: &str = "members.json";
/// The owners answer (`role=admin`).
pub const OWNERS: &str = "owners.json";
/// The members without two-factor authentication (`filter=2fa_disabled`).
pub const MEMBERS_2FA_DISABLED: &str = "members-2fa-disabled.json";
/// The outside collaborators answer.
pub const OUTSIDE: &str = "outside-collaborators.json";
/// The outside collaborators without two-factor authentication (`filter=2fa_disabled`).
pub const OUTSIDE_2FA_DISABLED: &str = "outside-collaborators-2fa-disabled.json";

/// One user as GitHub lists it (`simple-user`); other fields are ignored.
#[derive(Debug, Clone, Deserialize)]
struct User {
    login: String,
    #[serde(default)]
    id: Option<u64>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    site_admin: Option<bool>,
}

/// How a person relates to the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A member; `Some(true)` an owner, `Some(false)` not an owner, `None` unknown.
    Member(Option<bool>),
    /// An outside collaborator (not a member, so never an owner).
    Outside,
}

/// One person being assembled.
struct Person {
    user: User,
    role: Role,
    mfa: Option<bool>,
}

/// The logins a list answer names, lower-cased (GitHub logins are case-insensitive);
/// `None` when the answer was not collected or is an error.
fn logins(users: Option<&Vec<User>>) -> Option<BTreeSet<String>> {
    users.map(|u| u.iter().map(|u| u.login.to_lowercase()).collect())
}

/// People in first-seen order, merged by login.
#[derive(Default)]
struct People {
    order: Vec<String>,
    by_login: BTreeMap<String, Person>,
}

impl People {
    /// Adds `user` unless already present; a member entry replaces an outside-collaborator
    /// one (membership is the stronger statement).
    fn add(&mut self, user: &User, role: Role) {
        let key = user.login.to_lowercase();
        match self.by_login.get_mut(&key) {
            Some(p) => {
                if p.role == Role::Outside && role != Role::Outside {
                    p.role = role;
                }
            }
            None => {
                self.order.push(key.clone());
                self.by_login.insert(
                    key,
                    Person {
                        user: user.clone(),
                        role,
                        mfa: None,
                    },
                );
            }
        }
    }
}

/// Reads the people answers. `None` (the principals kind stays absent) unless both the
/// members and the outside collaborators were collected: either alone is part of the
/// organisation's people, and a part read as the whole would pass checks over everyone
/// ("no guests", "every member has 2FA") on what was not collected.
pub fn collect(
    files: &mut ExportFiles,
    account: &str,
) -> Result<Option<Vec<Principal>>, ImportError> {
    let members = answers::list::<User>(files, MEMBERS)?.ok();
    let owners = answers::list::<User>(files, OWNERS)?.ok();
    let no_2fa = answers::list::<User>(files, MEMBERS_2FA_DISABLED)?.ok();
    let outside = answers::list::<User>(files, OUTSIDE)?.ok();
    let outside_no_2fa = answers::list::<User>(files, OUTSIDE_2FA_DISABLED)?.ok();
    if members.is_none() || outside.is_none() {
        tracing::info!(
            "the members or the outside collaborators were not collected: the organisation's \
             people are left unknown"
        );
        return Ok(None);
    }

    let owner_logins = logins(owners.as_ref());
    let is_owner = |u: &User| {
        owner_logins
            .as_ref()
            .map(|o| o.contains(&u.login.to_lowercase()))
    };
    let mut people = People::default();
    for u in members.iter().flatten() {
        people.add(u, Role::Member(is_owner(u)));
    }
    for u in owners.iter().flatten() {
        people.add(u, Role::Member(Some(true)));
    }
    // A member without 2FA is a member even if the members answer missed them.
    if members.is_some() || owners.is_some() {
        for u in no_2fa.iter().flatten() {
            people.add(u, Role::Member(is_owner(u)));
        }
    }
    for u in outside.iter().flatten() {
        people.add(u, Role::Outside);
    }
    if outside.is_some() {
        for u in outside_no_2fa.iter().flatten() {
            people.add(u, Role::Outside);
        }
    }

    let members_without = logins(no_2fa.as_ref());
    let outside_without = logins(outside_no_2fa.as_ref());
    for (key, p) in &mut people.by_login {
        let without = match p.role {
            Role::Member(_) => &members_without,
            Role::Outside => &outside_without,
        };
        p.mfa = without.as_ref().map(|w| !w.contains(key));
    }

    let principals = people
        .order
        .iter()
        .filter_map(|key| people.by_login.get(key))
        .map(|p| principal(account, p))
        .collect();
    Ok(Some(principals))
}

fn principal(account: &str, p: &Person) -> Principal {
    let (admin, guest, role) = match p.role {
        Role::Member(Some(true)) => (Some(true), Some(false), Some("owner")),
        Role::Member(Some(false)) => (Some(false), Some(false), Some("member")),
        // A member, but whether an owner is unknown (no owners answer).
        Role::Member(None) => (None, Some(false), None),
        // Not a member, so not an owner; repository permissions are not collected.
        Role::Outside => (Some(false), Some(true), Some("outside-collaborator")),
    };
    let kind = match p.user.kind.as_deref() {
        Some("Bot") => PrincipalKind::Service,
        _ => PrincipalKind::User,
    };
    let mut attributes = serde_json::Map::new();
    if let Some(role) = role {
        attributes.insert("role".into(), role.into());
    }
    if let Some(id) = p.user.id {
        attributes.insert("github_id".into(), id.into());
    }
    if let Some(t) = &p.user.kind {
        attributes.insert("type".into(), t.clone().into());
    }
    if let Some(site_admin) = p.user.site_admin {
        attributes.insert("site_admin".into(), site_admin.into());
    }
    Principal {
        login: Some(p.user.login.clone()),
        admin,
        mfa_enabled: p.mfa,
        guest,
        attributes: Some(serde_json::Value::Object(attributes).to_string()),
        ..Principal::new(&p.user.login, account, kind, &p.user.login)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(files: &[(&str, &str)]) -> (tempfile::TempDir, ExportFiles) {
        let dir = crate::import::export_dir(files);
        let f = ExportFiles::open_dir(dir.path()).expect("open");
        (dir, f)
    }

    /// The principals of `files`, with an empty outside-collaborators answer unless given.
    fn people(files: &[(&str, &str)]) -> Vec<Principal> {
        let mut files = files.to_vec();
        if !files.iter().any(|(rel, _)| *rel == OUTSIDE) {
            files.push((OUTSIDE, "[]"));
        }
        let (_d, mut f) = export(&files);
        collect(&mut f, "org")
            .expect("imports")
            .expect("principals")
    }

    fn get<'a>(p: &'a [Principal], login: &str) -> &'a Principal {
        p.iter().find(|p| p.id == login).expect(login)
    }

    #[test]
    fn owners_and_2fa_are_stated_only_by_the_answers_collected() {
        let p = people(&[
            (
                MEMBERS,
                r#"[{"login": "ann", "id": 1, "type": "User"}, {"login": "bob", "id": 2}]
                   [{"login": "cy", "id": 3}, {"login": "Ann", "id": 1}]"#,
            ),
            (OWNERS, r#"[{"login": "ann"}, {"login": "cy"}]"#),
            (MEMBERS_2FA_DISABLED, r#"[{"login": "cy"}]"#),
        ]);
        assert_eq!(p.len(), 3, "ann twice across pages is one principal");
        let ann = get(&p, "ann");
        assert_eq!((ann.admin, ann.mfa_enabled), (Some(true), Some(true)));
        let bob = get(&p, "bob");
        assert_eq!((bob.admin, bob.mfa_enabled), (Some(false), Some(true)));
        let cy = get(&p, "cy");
        assert_eq!(
            (cy.admin, cy.mfa_enabled),
            (Some(true), Some(false)),
            "an owner without 2FA"
        );
        assert!(
            ann.attributes
                .as_deref()
                .is_some_and(|a| a.contains("\"role\":\"owner\""))
        );
    }

    #[test]
    fn absent_or_refused_answers_leave_owner_and_mfa_unknown() {
        let p = people(&[
            (MEMBERS, r#"[{"login": "ann"}]"#),
            (
                MEMBERS_2FA_DISABLED,
                r#"{"message": "Only owners can use this filter.", "status": "422"}"#,
            ),
        ]);
        assert_eq!(
            (p[0].admin, p[0].mfa_enabled, p[0].guest),
            (None, None, Some(false))
        );
        let (_d, mut f) = export(&[]);
        assert!(collect(&mut f, "org").expect("imports").is_none());
        let (_d, mut f) = export(&[(MEMBERS, r#"[{"login": "ann"}]"#)]);
        assert!(
            collect(&mut f, "org").expect("imports").is_none(),
            "members without the outside collaborators are not everyone"
        );
        let (_d, mut f) = export(&[
            (MEMBERS, r#"[{"login": "ann"}]"#),
            (
                OUTSIDE,
                r#"{"message": "Must have admin rights", "status": "403"}"#,
            ),
        ]);
        assert!(collect(&mut f, "org").expect("imports").is_none());
        let (_d, mut f) = export(&[(MEMBERS, r#"{"message": "Not Found", "status": "404"}"#)]);
        assert!(matches!(
            answers::list::<User>(&mut f, MEMBERS).expect("reads"),
            answers::Reply::Error(_)
        ));
        assert!(
            collect(&mut f, "org").expect("imports").is_none(),
            "an error is not a list"
        );
    }

    #[test]
    fn outside_collaborators_are_guests_and_members_win_a_conflict() {
        let p = people(&[
            (MEMBERS, r#"[{"login": "ann"}]"#),
            (OWNERS, "[]"),
            (
                OUTSIDE,
                r#"[{"login": "ext", "type": "User"}, {"login": "ANN"}, {"login": "ext"}]"#,
            ),
            (OUTSIDE_2FA_DISABLED, r#"[{"login": "ext"}]"#),
        ]);
        assert_eq!(p.len(), 2);
        let ext = get(&p, "ext");
        assert_eq!(
            (ext.guest, ext.admin, ext.mfa_enabled),
            (Some(true), Some(false), Some(false))
        );
        let ann = get(&p, "ann");
        assert_eq!(
            (ann.guest, ann.admin, ann.mfa_enabled),
            (Some(false), Some(false), None)
        );
    }

    #[test]
    fn a_member_without_2fa_missing_from_the_members_pages_is_still_listed() {
        let p = people(&[
            (MEMBERS, r#"[{"login": "ann"}]"#),
            (MEMBERS_2FA_DISABLED, r#"[{"login": "late"}]"#),
        ]);
        let late = get(&p, "late");
        assert_eq!((late.mfa_enabled, late.admin), (Some(false), None));
        assert_eq!(get(&p, "ann").mfa_enabled, Some(true));
    }
}
