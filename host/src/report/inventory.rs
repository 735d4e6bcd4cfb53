//! What the host itself records from the snapshot next to the plugins' findings: the
//! privilege inventory (administrators and administrative grants, for baseline diffs) and the
//! tags of the resources findings are about (for the action plan's owner rules).
//!
//! Both come from the snapshot, never from a plugin, so a plugin cannot hide an administrator
//! from the diff or pick the owner of its own findings.

use crate::model::Finding;
use crate::snapshot::{AccountStatus, Snapshot, SubjectKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One privileged principal or grant.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Privileged {
    /// Account it belongs to.
    pub account: String,
    /// Id in the snapshot.
    pub id: String,
    /// What a reader recognises: the principal's name, or `subject → permission on scope`.
    pub label: String,
}

/// Administrators and administrative grants at capture time. `None` means the snapshot did
/// not collect that kind (unknown), which a diff must not read as "all removed".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrivilegeInventory {
    /// Enabled principals with administrative rights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admins: Option<Vec<Privileged>>,
    /// Grants of administrative permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged_grants: Option<Vec<Privileged>>,
}

impl PrivilegeInventory {
    /// Reads the inventory off `snapshot`, sorted.
    pub fn of(snapshot: &Snapshot) -> PrivilegeInventory {
        let admins = snapshot.principals.as_ref().map(|ps| {
            let mut v: Vec<Privileged> = ps
                .iter()
                .filter(|p| p.admin == Some(true))
                .filter(|p| p.status != Some(AccountStatus::Disabled))
                .map(|p| Privileged {
                    account: p.account.clone(),
                    id: p.id.clone(),
                    label: p.name.clone(),
                })
                .collect();
            v.sort();
            v
        });
        let privileged_grants = snapshot.grants.as_ref().map(|gs| {
            let mut v: Vec<Privileged> = gs
                .iter()
                .filter(|g| g.admin == Some(true))
                .map(|g| {
                    let subject = match g.subject_kind {
                        SubjectKind::Principal => "principal",
                        SubjectKind::Group => "group",
                    };
                    let scope = g.scope.as_deref().unwrap_or("*");
                    Privileged {
                        account: g.account.clone(),
                        id: g.id.clone(),
                        label: format!("{subject} {} → {} on {scope}", g.subject_id, g.permission),
                    }
                })
                .collect();
            v.sort();
            v
        });
        PrivilegeInventory {
            admins,
            privileged_grants,
        }
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.admins.is_none() && self.privileged_grants.is_none()
    }
}

/// Copies the snapshot's tags onto the findings about tagged resources (principals, storage,
/// data stores), keyed by kind, account and id.
pub fn attach_tags(snapshot: &Snapshot, findings: &mut [Finding]) {
    let mut index: HashMap<(&str, &str, &str), &[crate::snapshot::Tag]> = HashMap::new();
    for p in snapshot.principals.iter().flatten() {
        index.insert(("principal", &p.account, &p.id), &p.tags);
    }
    for s in snapshot.storage.iter().flatten() {
        index.insert(("storage", &s.account, &s.id), &s.tags);
    }
    for d in snapshot.data_stores.iter().flatten() {
        index.insert(("data-store", &d.account, &d.id), &d.tags);
    }
    if index.values().all(|t| t.is_empty()) {
        return;
    }
    for f in findings {
        let r = &mut f.resource;
        let account = r.account.as_deref().unwrap_or("");
        if let Some(tags) = index.get(&(r.kind.as_str(), account, r.id.as_str())) {
            r.tags = tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect::<BTreeMap<_, _>>();
        }
    }
}
