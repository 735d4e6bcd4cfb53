//! The host side of the `snapshot` interface: entity counts and pages, served to a plugin
//! from an [`EntitySource`] (the parsed snapshot), through a store whose state says which
//! kinds the plugin declared ([`SnapshotHost`]). Kept generic so that the contract room
//! depends neither on the runtime's store state nor on the snapshot document.

use super::CONTRACT_VERSION;
use super::bindings::wit;
use super::convert::entity_kind;
use super::entities::{
    AuditLog, BackupPlan, DataStore, Grant, Group, Key, Principal, ProtectedResource, Share,
    Storage, TenantSettings,
};
use crate::model::EntityKind;
use std::time::{Duration, Instant};
use wasmtime::StoreContextMut;
use wasmtime::component::Linker;

/// Name of the imported snapshot instance, for this contract version.
pub fn snapshot_instance_name() -> String {
    format!("posture:plugin/snapshot@{CONTRACT_VERSION}")
}

/// Largest page a plugin may request in one call; larger requests are clamped.
pub const MAX_PAGE: u32 = 10_000;

/// Where the entities served to plugins come from: each list, or `None` if not collected.
pub trait EntitySource: Send + Sync {
    /// Number of entities of `kind`, or `None` if the kind was not collected.
    fn count(&self, kind: EntityKind) -> Option<usize>;
    /// Principals.
    fn principals(&self) -> Option<&[Principal]>;
    /// Groups and roles.
    fn groups(&self) -> Option<&[Group]>;
    /// Grants.
    fn grants(&self) -> Option<&[Grant]>;
    /// Storage containers.
    fn storage(&self) -> Option<&[Storage]>;
    /// Data stores.
    fn data_stores(&self) -> Option<&[DataStore]>;
    /// Audit-log configurations.
    fn audit_logs(&self) -> Option<&[AuditLog]>;
    /// Backup plans.
    fn backup_plans(&self) -> Option<&[BackupPlan]>;
    /// Resources covered by backups.
    fn protected_resources(&self) -> Option<&[ProtectedResource]>;
    /// Encryption keys.
    fn keys(&self) -> Option<&[Key]>;
    /// Shares.
    fn shares(&self) -> Option<&[Share]>;
    /// Tenant settings.
    fn tenant_settings(&self) -> Option<&[TenantSettings]>;
}

/// The state of a plugin's store, as the snapshot interface needs it.
pub trait SnapshotHost: Send + 'static {
    /// The entities this plugin may be served.
    fn entities(&self) -> &dyn EntitySource;
    /// Counts one host call and admits a read of `kind`, or refuses it (the error, a
    /// contract violation, ends the evaluation).
    fn admit(&mut self, kind: EntityKind) -> wasmtime::Result<()>;
    /// Adds the time spent collecting one page.
    fn served_page(&mut self, took: Duration);
}

/// A copy of items `[offset, offset + limit)` of `items` (empty if absent or past the end).
pub fn page_of<T: Clone>(items: Option<&[T]>, offset: u32, limit: u32) -> Vec<T> {
    let Some(items) = items else {
        return Vec::new();
    };
    let start = (offset as usize).min(items.len());
    let end = start.saturating_add(limit as usize).min(items.len());
    items[start..end].to_vec()
}

/// Defines `posture:plugin/snapshot` (and the type-only `types` instance) in `linker`.
pub fn add_to_linker<T: SnapshotHost>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    linker.instance(&format!("posture:plugin/types@{CONTRACT_VERSION}"))?;
    let mut inst = linker.instance(&snapshot_instance_name())?;
    inst.func_wrap(
        "count",
        |mut cx: StoreContextMut<'_, T>, (kind,): (wit::EntityKind,)| {
            let kind = entity_kind(kind);
            let state = cx.data_mut();
            state.admit(kind)?;
            let n = state
                .entities()
                .count(kind)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
            Ok((n,))
        },
    )?;
    macro_rules! page_fn {
        ($wit:literal, $kind:expr, $accessor:ident) => {
            inst.func_wrap(
                $wit,
                |mut cx: StoreContextMut<'_, T>, (offset, limit): (u32, u32)| {
                    let state = cx.data_mut();
                    state.admit($kind)?;
                    let started = Instant::now();
                    let page = page_of(state.entities().$accessor(), offset, limit.min(MAX_PAGE));
                    state.served_page(started.elapsed());
                    Ok((page,))
                },
            )?;
        };
    }
    page_fn!("list-principals", EntityKind::Principals, principals);
    page_fn!("list-groups", EntityKind::Groups, groups);
    page_fn!("list-grants", EntityKind::Grants, grants);
    page_fn!("list-storage", EntityKind::Storage, storage);
    page_fn!("list-data-stores", EntityKind::DataStores, data_stores);
    page_fn!("list-audit-logs", EntityKind::AuditLogs, audit_logs);
    page_fn!("list-backup-plans", EntityKind::BackupPlans, backup_plans);
    page_fn!(
        "list-protected-resources",
        EntityKind::ProtectedResources,
        protected_resources
    );
    page_fn!("list-keys", EntityKind::Keys, keys);
    page_fn!("list-shares", EntityKind::Shares, shares);
    page_fn!(
        "list-tenant-settings",
        EntityKind::TenantSettings,
        tenant_settings
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clamped_to_the_list() {
        let v = [1, 2, 3, 4, 5];
        assert_eq!(page_of(Some(&v[..]), 0, 2), vec![1, 2]);
        assert_eq!(page_of(Some(&v[..]), 4, 10), vec![5]);
        assert_eq!(page_of(Some(&v[..]), 9, 10), Vec::<i32>::new());
        assert_eq!(page_of(Some(&v[..]), u32::MAX, u32::MAX), Vec::<i32>::new());
        assert_eq!(page_of::<i32>(None, 0, 10), Vec::<i32>::new());
    }
}
