//! Lazy, typed access to the snapshot: each entity kind is fetched at most once (through the
//! host's paged `snapshot` interface in a component, from memory in native tests) and shared
//! by every check of the plugin.

use crate::bindings::posture::plugin::types::*;
use std::cell::OnceCell;
use std::fmt;

/// The snapshot lacks an entity kind entirely (not collected). A check that needs it must
/// report not-evaluable, never pass; `?` on a [`Snapshot`] accessor does exactly that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Absent {
    /// The missing kind.
    pub kind: EntityKind,
}

impl fmt::Display for Absent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the snapshot does not include {} (not collected), so this check cannot be evaluated",
            crate::finding::json_key(self.kind)
        )
    }
}

impl std::error::Error for Absent {}

/// Where entities come from.
pub(crate) trait Source {
    fn count(&self, kind: EntityKind) -> Option<u32>;
    fn page(&self, kind: EntityKind, offset: u32, limit: u32) -> Page;
}

/// One page of one kind.
pub(crate) enum Page {
    Principals(Vec<Principal>),
    Groups(Vec<Group>),
    Grants(Vec<Grant>),
    Storage(Vec<Storage>),
    DataStores(Vec<DataStore>),
    AuditLogs(Vec<AuditLog>),
    BackupPlans(Vec<BackupPlan>),
    ProtectedResources(Vec<ProtectedResource>),
    Keys(Vec<Key>),
    Shares(Vec<Share>),
    TenantSettings(Vec<TenantSettings>),
}

/// Page size used when fetching from the host.
pub(crate) const PAGE: u32 = 1000;

macro_rules! kinds {
    ($($field:ident / $list:ident: $ty:ident = $kind:ident),* $(,)?) => {
        /// Read access to the snapshot handed to the plugin.
        pub struct Snapshot {
            source: Box<dyn Source>,
            $($field: OnceCell<Option<Vec<$ty>>>,)*
        }

        impl Snapshot {
            pub(crate) fn new(source: Box<dyn Source>) -> Snapshot {
                Snapshot { source, $($field: OnceCell::new(),)* }
            }

            $(
                #[doc = concat!("All `", stringify!($field), "` entities, or [`Absent`] if the snapshot does not carry the kind.")]
                pub fn $field(&self) -> Result<&[$ty], Absent> {
                    self.$field
                        .get_or_init(|| {
                            let total = self.source.count(EntityKind::$kind)?;
                            let mut all = Vec::with_capacity(total as usize);
                            let mut offset = 0;
                            while offset < total {
                                let Page::$kind(page) = self.source.page(EntityKind::$kind, offset, PAGE) else {
                                    break;
                                };
                                if page.is_empty() {
                                    break;
                                }
                                offset += page.len() as u32;
                                all.extend(page);
                            }
                            Some(all)
                        })
                        .as_deref()
                        .ok_or(Absent { kind: EntityKind::$kind })
                }
            )*
        }

        /// The host's `snapshot` interface (only callable inside a component).
        pub(crate) struct HostSource;

        impl Source for HostSource {
            fn count(&self, kind: EntityKind) -> Option<u32> {
                crate::bindings::posture::plugin::snapshot::count(kind)
            }
            fn page(&self, kind: EntityKind, offset: u32, limit: u32) -> Page {
                use crate::bindings::posture::plugin::snapshot as host;
                match kind {
                    $(EntityKind::$kind => Page::$kind(host::$list(offset, limit)),)*
                }
            }
        }

        /// Entities held in memory (native tests).
        #[derive(Default)]
        pub(crate) struct MemorySource {
            $(pub(crate) $field: Option<Vec<$ty>>,)*
        }

        impl Source for MemorySource {
            fn count(&self, kind: EntityKind) -> Option<u32> {
                match kind {
                    $(EntityKind::$kind => self.$field.as_ref().map(|v| v.len() as u32),)*
                }
            }
            fn page(&self, kind: EntityKind, offset: u32, limit: u32) -> Page {
                fn slice<T: Clone>(v: &Option<Vec<T>>, offset: u32, limit: u32) -> Vec<T> {
                    let v = v.as_deref().unwrap_or(&[]);
                    let start = (offset as usize).min(v.len());
                    let end = start.saturating_add(limit as usize).min(v.len());
                    v[start..end].to_vec()
                }
                match kind {
                    $(EntityKind::$kind => Page::$kind(slice(&self.$field, offset, limit)),)*
                }
            }
        }
    };
}

kinds!(
    principals / list_principals: Principal = Principals,
    groups / list_groups: Group = Groups,
    grants / list_grants: Grant = Grants,
    storage / list_storage: Storage = Storage,
    data_stores / list_data_stores: DataStore = DataStores,
    audit_logs / list_audit_logs: AuditLog = AuditLogs,
    backup_plans / list_backup_plans: BackupPlan = BackupPlans,
    protected_resources / list_protected_resources: ProtectedResource = ProtectedResources,
    keys / list_keys: Key = Keys,
    shares / list_shares: Share = Shares,
    tenant_settings / list_tenant_settings: TenantSettings = TenantSettings,
);
