//! Per-instance state of a plugin's store: the snapshot it may read, which entity kinds it
//! declared, its memory limiter, and the empty WASI context for plugins that import WASI.

use crate::snapshot::{EntityKind, Snapshot};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView};

/// Enforces the memory cap and remembers whether it was hit, so the error can say so.
#[derive(Debug)]
pub struct MemoryLimiter {
    cap: usize,
    /// The size a guest memory tried to grow to past the cap, if it did.
    pub exceeded: Option<usize>,
}

impl MemoryLimiter {
    /// A limiter capping each linear memory at `cap` bytes.
    pub fn new(cap: u64) -> MemoryLimiter {
        MemoryLimiter {
            cap: usize::try_from(cap).unwrap_or(usize::MAX),
            exceeded: None,
        }
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.exceeded = Some(desired);
            return Err(wasmtime::Error::msg("memory limit exceeded"));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a million is far beyond any real plugin.
        Ok(desired <= 1_000_000)
    }
}

/// Data of one plugin store.
pub struct PluginState {
    /// The snapshot being scanned (shared, never copied per plugin).
    pub snapshot: Arc<Snapshot>,
    /// Entity kinds the plugin's requested checks declared in `reads`.
    pub allowed: Vec<EntityKind>,
    /// Memory cap enforcement.
    pub limiter: MemoryLimiter,
    /// Calls made into the snapshot interface.
    pub host_calls: u64,
    /// Time spent in the host collecting pages of entities for the plugin (lowering them into
    /// its memory happens afterwards, inside wasmtime, and is not included).
    pub page_time: std::time::Duration,
    /// A contract violation detected inside a host call (e.g. an undeclared read).
    pub violation: Option<String>,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl PluginState {
    /// State for one evaluation: `now` is the evaluation time (Unix seconds) that WASI clocks
    /// report, and seeds the WASI random generators.
    pub fn new(
        snapshot: Arc<Snapshot>,
        allowed: Vec<EntityKind>,
        memory_cap: u64,
        now: i64,
    ) -> PluginState {
        PluginState {
            snapshot,
            allowed,
            limiter: MemoryLimiter::new(memory_cap),
            host_calls: 0,
            page_time: std::time::Duration::ZERO,
            violation: None,
            wasi: sealed_wasi(now),
            table: ResourceTable::new(),
        }
    }
}

/// A WASI context that grants nothing: no files, env, args, stdio or network; clocks fixed at
/// `now`; random generators seeded from `now` so results are reproducible.
fn sealed_wasi(now: i64) -> WasiCtx {
    let seed = now as u64;
    let mut b = WasiCtx::builder();
    b.allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .wall_clock(FixedClock(now))
        .monotonic_clock(FixedClock(now))
        .secure_random(StdRng::seed_from_u64(seed))
        .insecure_random(StdRng::seed_from_u64(seed ^ 0x5eed))
        .insecure_random_seed(u128::from(seed));
    b.build()
}

/// A clock stopped at the evaluation's `now`.
struct FixedClock(i64);

impl HostWallClock for FixedClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::from_secs(u64::try_from(self.0).unwrap_or(0))
    }
}

impl HostMonotonicClock for FixedClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    /// Stopped at `now` in nanoseconds, never zero: some runtimes (Go's) refuse a monotonic
    /// clock that reads zero.
    fn now(&self) -> u64 {
        u64::try_from(self.0)
            .unwrap_or(0)
            .saturating_mul(1_000_000_000)
            .max(1)
    }
}

impl WasiView for PluginState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl crate::contract::SnapshotHost for PluginState {
    fn entities(&self) -> &dyn crate::contract::EntitySource {
        &*self.snapshot
    }

    fn admit(&mut self, kind: EntityKind) -> wasmtime::Result<()> {
        self.host_calls += 1;
        if self.allowed.contains(&kind) {
            return Ok(());
        }
        let msg = format!(
            "read entity kind `{}` that none of its requested checks declare in `reads`",
            kind.as_str()
        );
        self.violation = Some(msg.clone());
        Err(wasmtime::Error::msg(msg))
    }

    fn served_page(&mut self, took: Duration) {
        self.page_time += took;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::SnapshotHost;
    use wasmtime_wasi::clocks::WasiClocksView;
    use wasmtime_wasi::p2::bindings::clocks::{monotonic_clock, wall_clock};

    fn state(allowed: Vec<EntityKind>, now: i64) -> PluginState {
        PluginState::new(Arc::new(Snapshot::empty()), allowed, 1 << 20, now)
    }

    #[test]
    fn admit_counts_every_call_and_refuses_undeclared_kinds() {
        let mut s = state(vec![EntityKind::Principals, EntityKind::Grants], 0);
        assert!(s.admit(EntityKind::Principals).is_ok());
        assert!(s.admit(EntityKind::Grants).is_ok());
        assert_eq!((s.host_calls, s.violation.as_deref()), (2, None));
        let e = s.admit(EntityKind::Keys).expect_err("undeclared");
        assert_eq!(s.host_calls, 3, "a refused call is counted too");
        let v = s.violation.clone().expect("recorded");
        assert!(v.contains("`keys`"), "{v}");
        assert_eq!(e.to_string(), v);
    }

    #[test]
    fn served_pages_accumulate() {
        let mut s = state(Vec::new(), 0);
        s.served_page(Duration::from_millis(3));
        s.served_page(Duration::from_millis(4));
        assert_eq!(s.page_time, Duration::from_millis(7));
    }

    #[test]
    fn the_sealed_clocks_stand_at_now_and_monotonic_never_reads_zero() {
        let mut s = state(Vec::new(), 1_700_000_000);
        let wall = wall_clock::Host::now(&mut s.clocks()).expect("wall");
        assert_eq!((wall.seconds, wall.nanoseconds), (1_700_000_000, 0));
        let mono = monotonic_clock::Host::now(&mut s.clocks()).expect("monotonic");
        assert_eq!(mono, 1_700_000_000 * 1_000_000_000);
        assert_eq!(
            monotonic_clock::Host::now(&mut s.clocks()).expect("again"),
            mono,
            "stopped"
        );
        for now in [0, -5] {
            let mut s = state(Vec::new(), now);
            assert_eq!(monotonic_clock::Host::now(&mut s.clocks()).expect("m"), 1);
            let wall = wall_clock::Host::now(&mut s.clocks()).expect("wall");
            assert_eq!(wall.seconds, 0);
        }
    }
}
