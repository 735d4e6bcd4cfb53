//! The host side of the `snapshot` interface: entity counts and pages, served from the shared
//! parsed snapshot, refusing kinds the plugin did not declare.

use super::state::PluginState;
use crate::snapshot::{EntityKind, Snapshot, page_of};
use wasmtime::StoreContextMut;
use wasmtime::component::Linker;

/// Name of the imported snapshot instance, for this contract version.
pub fn snapshot_instance_name() -> String {
    format!(
        "posture:plugin/snapshot@{}",
        super::bindings::CONTRACT_VERSION
    )
}

/// Largest page a plugin may request in one call; larger requests are clamped.
pub const MAX_PAGE: u32 = 10_000;

fn check_allowed(state: &mut PluginState, kind: EntityKind) -> wasmtime::Result<()> {
    state.host_calls += 1;
    if state.allowed.contains(&kind) {
        return Ok(());
    }
    let msg = format!(
        "read entity kind `{}` that none of its requested checks declare in `reads`",
        kind.as_str()
    );
    state.violation = Some(msg.clone());
    Err(wasmtime::Error::msg(msg))
}

/// Defines `posture:plugin/snapshot` (and the type-only `types` instance) in `linker`.
pub fn add_to_linker(linker: &mut Linker<PluginState>) -> wasmtime::Result<()> {
    linker.instance(&format!(
        "posture:plugin/types@{}",
        super::bindings::CONTRACT_VERSION
    ))?;
    let mut inst = linker.instance(&snapshot_instance_name())?;
    inst.func_wrap(
        "count",
        |mut cx: StoreContextMut<'_, PluginState>, (kind,): (EntityKind,)| {
            let state = cx.data_mut();
            check_allowed(state, kind)?;
            let n = state
                .snapshot
                .count(kind)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
            Ok((n,))
        },
    )?;
    macro_rules! page_fn {
        ($wit:literal, $kind:expr, $accessor:ident) => {
            inst.func_wrap(
                $wit,
                |mut cx: StoreContextMut<'_, PluginState>, (offset, limit): (u32, u32)| {
                    let state = cx.data_mut();
                    check_allowed(state, $kind)?;
                    let started = std::time::Instant::now();
                    let snap: &Snapshot = &state.snapshot;
                    let page = page_of(snap.$accessor(), offset, limit.min(MAX_PAGE));
                    state.page_time += started.elapsed();
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
