//! One plugin: loading (digest, compile through the cache, contract and import checks,
//! pre-instantiation, `describe` and metadata validation, and the providers of the optional
//! `scope` export) and evaluation in a fresh, limited instance per scan.

use super::engine::ticks_for;
use super::error::LoadError;
use super::metadata::{apply_scopes, validate_info};
use super::output::validate_output;
use super::state::PluginState;
use crate::contract::bindings::{plugin_exports, scope_exports};
use crate::contract::{
    CONTRACT_PACKAGE, PLUGIN_EXPORT, SCOPE_EXPORT, contract_compatible, convert,
};
use crate::limits::Limits;
use crate::model::{CheckRun, FailureKind, PluginFailure, PluginInfo, RawFinding};
use crate::snapshot::{EntityKind, Snapshot};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::component::{Component, InstancePre};
use wasmtime::{Engine, Store, Trap};

/// A plugin compiled, checked and ready to evaluate any number of times.
pub struct LoadedPlugin {
    /// Where it was loaded from.
    pub path: PathBuf,
    /// sha256 of the component bytes, hex.
    pub digest: String,
    /// Its self-description, validated.
    pub info: PluginInfo,
    /// The contract version it exports (from its export name).
    pub contract: semver::Version,
    /// Whether it imports WASI (and so received an empty, deterministic WASI context).
    pub uses_wasi: bool,
    /// Whether it exports `scope` (its checks' providers are then in `info`).
    pub scoped: bool,
    engine: Engine,
    pre: InstancePre<PluginState>,
    /// Where `describe` and `evaluate` are in every instance.
    plugin_exports: plugin_exports::GuestIndices,
    /// Where `applies-to` is, when the plugin exports `scope`.
    scope_exports: Option<scope_exports::GuestIndices>,
    /// Keeps the epoch ticking (deadlines) as long as the plugin is alive.
    _ticker: Arc<super::engine::EpochTicker>,
}

/// Result of a successful evaluation.
#[derive(Debug, Clone)]
pub struct EvalOutput {
    /// Findings, in the order the plugin returned them.
    pub findings: Vec<RawFinding>,
    /// Calls the plugin made into the snapshot interface.
    pub host_calls: u64,
    /// Where the time went (for benchmarks and `--verbose` diagnostics; never in reports,
    /// which must be deterministic).
    pub timings: EvalTimings,
}

/// Phases of one evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvalTimings {
    /// Creating the store and instantiating the component.
    pub instantiate: Duration,
    /// The `evaluate` call: lowering the context and every page into the guest, the guest's
    /// own code, and lifting the findings back.
    pub call: Duration,
    /// Of `call`, the host's share of serving pages (collecting the entities).
    pub pages: Duration,
    /// Validating the findings and converting them into the host's model.
    pub convert: Duration,
}

impl LoadedPlugin {
    /// Compiles (or loads from the cache), checks and describes the component in `bytes`.
    pub(super) fn load(
        rt: &super::Runtime,
        path: &Path,
        bytes: &[u8],
        digest: String,
    ) -> Result<LoadedPlugin, LoadError> {
        let p = path.to_path_buf();
        let component = rt
            .compiler
            .component(bytes, &digest)
            .map_err(|e| LoadError::Compile {
                path: p.clone(),
                source: e.into(),
            })?;
        let Inspected {
            contract,
            uses_wasi,
            scoped,
        } = inspect(&rt.engine, &component, path)?;
        let linker = if uses_wasi {
            &rt.linker_wasi
        } else {
            &rt.linker
        };
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|e| LoadError::Link {
                path: p.clone(),
                source: e.into(),
            })?;
        let link = |e: wasmtime::Error| LoadError::Link {
            path: p.clone(),
            source: e.into(),
        };
        let plugin_exports = plugin_exports::GuestIndices::new(&instance_pre).map_err(link)?;
        // Absent: a plugin of the plain `check-plugin` world. Present: it must have the
        // contract's type, like every other export.
        let scope_exports = if scoped {
            Some(scope_exports::GuestIndices::new(&instance_pre).map_err(link)?)
        } else {
            None
        };
        let mut plugin = LoadedPlugin {
            path: p,
            digest,
            info: PluginInfo {
                name: String::new(),
                version: String::new(),
                vendor: String::new(),
                contract_version: String::new(),
                checks: Vec::new(),
            },
            contract,
            uses_wasi,
            scoped,
            engine: rt.engine.clone(),
            pre: instance_pre,
            plugin_exports,
            scope_exports,
            _ticker: rt.ticker.clone(),
        };
        plugin.info = plugin.describe(&rt.load_limits)?;
        Ok(plugin)
    }

    fn new_store(
        &self,
        snapshot: Arc<Snapshot>,
        allowed: Vec<EntityKind>,
        limits: &Limits,
        now: i64,
    ) -> Store<PluginState> {
        let state = PluginState::new(snapshot, allowed, limits.memory_bytes, now);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        // wasmtime caps the bytes one call may copy from the guest (128 MiB by default); a
        // guest can never hand over more than its memory holds, so the memory limit is the
        // cap. Large scans return more than 128 MiB of findings; the output limits then apply.
        store.set_hostcall_fuel(usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX));
        store.set_epoch_deadline(ticks_for(limits.deadline));
        store.epoch_deadline_trap();
        store
    }

    fn describe(&self, limits: &Limits) -> Result<PluginInfo, LoadError> {
        let path = self.path.clone();
        let empty = Arc::new(Snapshot::empty());
        let mut store = self.new_store(empty, Vec::new(), limits, 0);
        let fail = |store: &Store<PluginState>, e: wasmtime::Error| LoadError::Describe {
            path: path.clone(),
            failure: classify(e, store.data(), limits),
        };
        let instance = match self.pre.instantiate(&mut store) {
            Ok(i) => i,
            Err(e) => return Err(fail(&store, e)),
        };
        let described = self
            .plugin_exports
            .load(&mut store, &instance)
            .and_then(|guest| guest.call_describe(&mut store));
        let info = match described {
            Ok(i) => i,
            Err(e) => return Err(fail(&store, e)),
        };
        let scopes = match &self.scope_exports {
            Some(indices) => {
                let scoped = indices
                    .load(&mut store, &instance)
                    .and_then(|guest| guest.call_applies_to(&mut store));
                match scoped {
                    Ok(s) => convert::check_scopes(s),
                    Err(e) => return Err(fail(&store, e)),
                }
            }
            None => Vec::new(),
        };
        let mut info = convert::plugin_info(info);
        validate_info(&info).map_err(|message| LoadError::InvalidMetadata {
            path: self.path.clone(),
            message,
        })?;
        apply_scopes(&mut info, scopes).map_err(|problem| LoadError::InvalidScope {
            path: self.path.clone(),
            plugin: info.name.clone(),
            problem,
        })?;
        Ok(info)
    }

    /// Runs `checks` against `snapshot` in a fresh instance under `limits`.
    pub fn evaluate(
        &self,
        snapshot: Arc<Snapshot>,
        now: i64,
        checks: &[CheckRun],
        limits: &Limits,
    ) -> Result<EvalOutput, PluginFailure> {
        let mut allowed: Vec<EntityKind> = Vec::new();
        for run in checks {
            if let Some(meta) = self.info.checks.iter().find(|c| c.id == run.id) {
                for k in &meta.reads {
                    if !allowed.contains(k) {
                        allowed.push(*k);
                    }
                }
            }
        }
        let ctx =
            convert::evaluation_context(snapshot.captured_at, &snapshot.accounts, now, checks);
        let mut timings = EvalTimings::default();
        let started = Instant::now();
        let mut store = self.new_store(snapshot.clone(), allowed, limits, now);
        let guest = match self
            .pre
            .instantiate(&mut store)
            .and_then(|instance| self.plugin_exports.load(&mut store, &instance))
        {
            Ok(g) => g,
            Err(e) => return Err(classify(e, store.data(), limits)),
        };
        timings.instantiate = started.elapsed();
        let started = Instant::now();
        let returned = match guest.call_evaluate(&mut store, &ctx) {
            Ok(r) => r,
            Err(e) => return Err(classify(e, store.data(), limits)),
        };
        timings.call = started.elapsed();
        timings.pages = store.data().page_time;
        let host_calls = store.data().host_calls;
        drop(store);
        let started = Instant::now();
        let findings = returned.map_err(|e| PluginFailure {
            kind: FailureKind::Reported,
            message: format!("reported an error: {}", e.message),
        })?;
        // Each requested check with what it declared it reads.
        let requested: HashMap<&str, &[EntityKind]> = checks
            .iter()
            .filter_map(|run| {
                let meta = self.info.checks.iter().find(|c| c.id == run.id)?;
                Some((run.id.as_str(), meta.reads.as_slice()))
            })
            .collect();
        validate_output(&findings, &requested, &snapshot, limits)?;
        let findings = findings.into_iter().map(convert::finding).collect();
        timings.convert = started.elapsed();
        Ok(EvalOutput {
            findings,
            host_calls,
            timings,
        })
    }
}

/// What [`inspect`] learns from a component's type.
struct Inspected {
    /// The contract version of its `plugin` export.
    contract: semver::Version,
    /// Whether it imports WASI.
    uses_wasi: bool,
    /// Whether it exports `scope`.
    scoped: bool,
}

/// Finds the contract version the component exports, whether it imports WASI and whether it
/// exports `scope`; refuses components that are not plugins, target another contract
/// version, or import anything the host does not provide.
fn inspect(engine: &Engine, component: &Component, path: &Path) -> Result<Inspected, LoadError> {
    let ty = component.component_type();
    let mut contract = None;
    let mut scope = None;
    let mut exports = Vec::new();
    for (name, _) in ty.exports(engine) {
        exports.push(name.to_string());
        if let Some(v) = name
            .strip_prefix(PLUGIN_EXPORT)
            .and_then(|rest| rest.strip_prefix('@'))
        {
            contract = Some(v.to_string());
        } else if let Some(v) = name
            .strip_prefix(SCOPE_EXPORT)
            .and_then(|rest| rest.strip_prefix('@'))
        {
            scope = Some(v.to_string());
        }
    }
    let Some(found) = contract else {
        return Err(LoadError::NotAPlugin {
            path: path.to_path_buf(),
            exports,
        });
    };
    let version = semver::Version::parse(&found).map_err(|_| LoadError::IncompatibleContract {
        path: path.to_path_buf(),
        found: found.clone(),
    })?;
    if !contract_compatible(&version) {
        return Err(LoadError::IncompatibleContract {
            path: path.to_path_buf(),
            found,
        });
    }
    if let Some(v) = &scope {
        let ok = semver::Version::parse(v).is_ok_and(|v| contract_compatible(&v));
        if !ok {
            return Err(LoadError::IncompatibleContract {
                path: path.to_path_buf(),
                found: format!("{v} (export {SCOPE_EXPORT}@{v})"),
            });
        }
    }
    let mut uses_wasi = false;
    for (name, _) in ty.imports(engine) {
        if name.starts_with("wasi:") {
            uses_wasi = true;
        } else if let Some(rest) = name.strip_prefix(CONTRACT_PACKAGE) {
            let v = rest.split_once('@').map(|(_, v)| v).unwrap_or("");
            let ok = semver::Version::parse(v).is_ok_and(|v| contract_compatible(&v));
            if !ok {
                return Err(LoadError::IncompatibleContract {
                    path: path.to_path_buf(),
                    found: format!("{v} (import {name})"),
                });
            }
        } else {
            return Err(LoadError::UnsupportedImport {
                path: path.to_path_buf(),
                import: name.to_string(),
            });
        }
    }
    Ok(Inspected {
        contract: version,
        uses_wasi,
        scoped: scope.is_some(),
    })
}

/// Turns a wasmtime error into a failure that says which limit or fault it was.
fn classify(e: wasmtime::Error, state: &PluginState, limits: &Limits) -> PluginFailure {
    if let Some(desired) = state.limiter.exceeded {
        return PluginFailure {
            kind: FailureKind::MemoryLimit,
            message: format!(
                "exceeded its memory limit of {} MiB (all its memories together would have \
                 reached {:.1} MiB)",
                limits.memory_bytes / (1024 * 1024),
                desired as f64 / (1024.0 * 1024.0)
            ),
        };
    }
    if let Some(v) = &state.violation {
        return PluginFailure {
            kind: FailureKind::ContractViolation,
            message: v.clone(),
        };
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => PluginFailure {
            kind: FailureKind::Deadline,
            message: format!(
                "exceeded its deadline of {} ms and was stopped",
                limits.deadline.as_millis()
            ),
        },
        Some(Trap::StackOverflow) => PluginFailure {
            kind: FailureKind::Trap,
            message: "overflowed its stack".into(),
        },
        Some(Trap::MemoryOutOfBounds) => PluginFailure {
            kind: FailureKind::Trap,
            message: "trapped: out-of-bounds memory access (a memory-safety bug, or the plugin's \
                      own stack overflowing in its linear memory)"
                .into(),
        },
        Some(Trap::UnreachableCodeReached) => PluginFailure {
            kind: FailureKind::Trap,
            message: "trapped: unreachable code reached (a panic or abort inside the plugin)"
                .into(),
        },
        Some(t) => PluginFailure {
            kind: FailureKind::Trap,
            message: format!("trapped: {t}"),
        },
        None => PluginFailure {
            kind: FailureKind::Trap,
            message: format!("failed: {e:#}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_export_is_looked_up_by_name_and_is_optional() {
        let rt = super::super::Runtime::new(None).expect("runtime");
        for (world, scoped) in [("check-plugin", false), ("check-plugin-scoped", true)] {
            let component = Component::new(&rt.engine, crate::contract::tests::dummy_plugin(world))
                .expect("compile");
            let found = inspect(&rt.engine, &component, Path::new("p.wasm")).expect("inspect");
            assert_eq!(found.scoped, scoped, "{world}");
            assert_eq!(
                found.contract.to_string(),
                crate::contract::CONTRACT_VERSION
            );
            let pre = rt.linker.instantiate_pre(&component).expect("link");
            assert!(plugin_exports::GuestIndices::new(&pre).is_ok(), "{world}");
            assert_eq!(
                scope_exports::GuestIndices::new(&pre).is_ok(),
                scoped,
                "{world}"
            );
            // Both link; the dummy's `describe` then traps, which is reported as such.
            match rt.load_bytes(
                Path::new("p.wasm"),
                &crate::contract::tests::dummy_plugin(world),
            ) {
                Err(LoadError::Describe { failure, .. }) => {
                    assert_eq!(failure.kind, crate::model::FailureKind::Trap, "{world}")
                }
                Err(e) => panic!("{world}: {e}"),
                Ok(_) => panic!("{world}: a trapping describe loaded"),
            }
        }
    }
}
