//! Per-instance state of a plugin's store: the snapshot it may read, which entity kinds it
//! declared, its memory limiter (one budget for all its memories and tables), and the empty
//! WASI context for plugins that import WASI, whose clocks stand still so that no WASI call
//! can make the host wait.

use crate::snapshot::{EntityKind, Snapshot};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::ResourceLimiter;
use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, Resource, ResourceTable};
use wasmtime_wasi::p2::{DynPollable, Pollable};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView};

/// Most linear memories one plugin instance may have (all its core modules together).
const MAX_MEMORIES: usize = 256;
/// Most tables one plugin instance may have.
const MAX_TABLES: usize = 1_000;
/// Most table elements one plugin instance may hold, all tables together (function
/// references: a million is far beyond any real plugin).
const MAX_TABLE_ELEMENTS: usize = 1_000_000;

/// Enforces the memory cap on the plugin as a whole, and remembers whether it was hit, so the
/// error can say so.
///
/// The cap bounds the **sum** of all the instance's linear memories: a component can hold
/// many core modules, and a core module many memories (multi-memory), so a cap per memory
/// would let 16 memories of 256 MiB take 4 GiB. Tables are bounded in count and elements.
#[derive(Debug)]
pub struct MemoryLimiter {
    cap: usize,
    /// Bytes of linear memory granted so far, all memories together.
    used: usize,
    /// Table elements granted so far, all tables together.
    table_elements: usize,
    /// The last growth granted, taken back if wasmtime then fails it (past a memory's or a
    /// table's declared maximum, or out of host memory).
    pending_memory: usize,
    pending_table: usize,
    /// The total the memories tried to reach past the cap, if they did.
    pub exceeded: Option<usize>,
}

impl MemoryLimiter {
    /// A limiter capping all linear memories together at `cap` bytes.
    pub fn new(cap: u64) -> MemoryLimiter {
        MemoryLimiter {
            cap: usize::try_from(cap).unwrap_or(usize::MAX),
            used: 0,
            table_elements: 0,
            pending_memory: 0,
            pending_table: 0,
            exceeded: None,
        }
    }

    /// Bytes of linear memory granted so far, all memories together.
    #[cfg(test)]
    pub fn used(&self) -> usize {
        self.used
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Each call is about one memory: its growth is what the total grows by. A memory
        // being created reports a current size of zero.
        let total = self.used.saturating_add(desired.saturating_sub(current));
        if total > self.cap {
            self.pending_memory = 0;
            self.exceeded = Some(total);
            return Err(wasmtime::Error::msg("memory limit exceeded"));
        }
        self.pending_memory = total - self.used;
        self.used = total;
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.used -= std::mem::take(&mut self.pending_memory);
        Ok(())
    }

    fn table_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.table_elements -= std::mem::take(&mut self.pending_table);
        Ok(())
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self
            .table_elements
            .saturating_add(desired.saturating_sub(current));
        if total > MAX_TABLE_ELEMENTS {
            self.pending_table = 0;
            return Ok(false);
        }
        self.pending_table = total - self.table_elements;
        self.table_elements = total;
        Ok(true)
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
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

/// The monotonic-clock interface whose subscriptions [`add_frozen_sleep`] replaces: the
/// version wasmtime-wasi defines (guests importing any 0.2.x version resolve to it).
const MONOTONIC_CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.12";

/// Replaces WASI's `subscribe-duration` and `subscribe-instant` in `linker` with pollables
/// that are ready at once.
///
/// wasmtime-wasi turns them into real timers, and a guest blocked in `poll` is inside a host
/// call, where epoch interruption cannot stop it: a `sleep(u64::MAX)` held a scan forever.
/// In the sandbox time stands still at `now`, so a sleep is over as soon as it starts; a
/// guest that keeps sleeping in a loop is spinning guest code, which the deadline stops.
pub fn add_frozen_sleep(linker: &mut Linker<PluginState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    let mut clock = linker.instance(MONOTONIC_CLOCK)?;
    clock.func_wrap(
        "subscribe-duration",
        |mut cx: StoreContextMut<'_, PluginState>, (_,): (u64,)| {
            Ok((elapsed(&mut cx.data_mut().table)?,))
        },
    )?;
    clock.func_wrap(
        "subscribe-instant",
        |mut cx: StoreContextMut<'_, PluginState>, (_,): (u64,)| {
            Ok((elapsed(&mut cx.data_mut().table)?,))
        },
    )?;
    linker.allow_shadowing(false);
    Ok(())
}

/// A pollable that is already ready: a timer on a stopped clock.
fn elapsed(table: &mut ResourceTable) -> wasmtime::Result<Resource<DynPollable>> {
    let timer = table.push(Elapsed)?;
    wasmtime_wasi::p2::subscribe(table, timer)
}

/// A timer that has already fired.
struct Elapsed;

impl Pollable for Elapsed {
    fn ready<'a, 'b>(&'a mut self) -> Pin<Box<dyn Future<Output = ()> + Send + 'b>>
    where
        'a: 'b,
        Self: 'b,
    {
        Box::pin(std::future::ready(()))
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
    fn the_memory_cap_bounds_all_memories_together() {
        let mut l = MemoryLimiter::new(100);
        // Three memories created at 30 bytes each: 90 in all.
        for _ in 0..3 {
            assert!(l.memory_growing(0, 30, None).expect("within the cap"));
        }
        assert_eq!(l.used(), 90);
        // Growing one of them from 30 to 40 reaches the cap exactly.
        assert!(l.memory_growing(30, 40, None).expect("at the cap"));
        assert_eq!((l.used(), l.exceeded), (100, None));
        // A fourth memory of one byte would pass it, however small each memory is.
        assert!(l.memory_growing(0, 1, None).is_err());
        assert_eq!((l.used(), l.exceeded), (100, Some(101)));
    }

    #[test]
    fn a_growth_wasmtime_then_fails_is_taken_back() {
        let mut l = MemoryLimiter::new(100);
        assert!(l.memory_growing(0, 60, None).expect("granted"));
        // Past the memory's own maximum, say: wasmtime fails it after asking.
        assert!(l.memory_growing(60, 90, Some(64)).expect("granted"));
        l.memory_grow_failed(wasmtime::Error::msg("past its maximum"))
            .expect("noted");
        assert_eq!(l.used(), 60);
        // The 30 bytes were never used: 40 more still fit.
        assert!(l.memory_growing(0, 40, None).expect("fits"));
        assert!(l.table_growing(0, 10, None).expect("table"));
        l.table_grow_failed(wasmtime::Error::msg("failed"))
            .expect("noted");
        assert_eq!(l.table_elements, 0);
    }

    #[test]
    fn table_elements_are_bounded_across_tables() {
        let mut l = MemoryLimiter::new(0);
        let half = MAX_TABLE_ELEMENTS / 2;
        assert!(l.table_growing(0, half, None).expect("first table"));
        assert!(l.table_growing(0, half, None).expect("second table"));
        assert!(!l.table_growing(0, 1, None).expect("a third is refused"));
        assert!(!l.table_growing(half, half + 1, None).expect("growth too"));
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
