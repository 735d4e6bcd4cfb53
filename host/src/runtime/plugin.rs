//! One plugin: loading (digest, compile through the cache, contract and import checks,
//! pre-instantiation, `describe` and metadata validation) and evaluation in a fresh,
//! limited instance per scan.

use super::bindings::{CONTRACT_PACKAGE, CheckPluginPre, PLUGIN_EXPORT, wit};
use super::convert;
use super::engine::ticks_for;
use super::error::{FailureKind, LoadError, PluginFailure};
use super::state::PluginState;
use crate::limits::Limits;
use crate::model::{Evidence, ParamValue, PluginInfo, ResourceRef, Severity, Status};
use crate::snapshot::{EntityKind, Snapshot};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::component::Component;
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
    engine: Engine,
    pre: CheckPluginPre<PluginState>,
}

/// A check to run in one evaluation, with its effective parameters.
#[derive(Debug, Clone)]
pub struct CheckRun {
    /// Check id.
    pub id: String,
    /// Every declared parameter with its effective value.
    pub params: Vec<(String, ParamValue)>,
}

/// What a plugin returned for one finding, validated but not yet decorated with defaults.
#[derive(Debug, Clone)]
pub struct RawFinding {
    /// Check id (one of the requested ones).
    pub check_id: String,
    /// Outcome.
    pub status: Status,
    /// Resource.
    pub resource: ResourceRef,
    /// Message.
    pub message: String,
    /// Severity chosen by the plugin for this finding, if any.
    pub severity: Option<Severity>,
    /// Evidence.
    pub evidence: Vec<Evidence>,
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

/// The contract versions this host accepts: those of `CONTRACT_VERSION`'s minor version
/// (`SUPPORTED_CONTRACTS`).
pub fn contract_compatible(v: &semver::Version) -> bool {
    // While the major version is 0, the minor version is the compatibility line.
    semver::Version::parse(super::bindings::CONTRACT_VERSION)
        .is_ok_and(|ours| v.major == ours.major && v.minor == ours.minor)
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
                message: format!("{e:#}"),
            })?;
        let (contract, uses_wasi) = inspect(&rt.engine, &component, path)?;
        let linker = if uses_wasi {
            &rt.linker_wasi
        } else {
            &rt.linker
        };
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|e| LoadError::Link {
                path: p.clone(),
                message: format!("{e:#}"),
            })?;
        let pre = CheckPluginPre::new(instance_pre).map_err(|e| LoadError::Link {
            path: p.clone(),
            message: format!("{e:#}"),
        })?;
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
            engine: rt.engine.clone(),
            pre,
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
            message: classify(e, store.data(), limits).message,
        };
        let bindings = match self.pre.instantiate(&mut store) {
            Ok(b) => b,
            Err(e) => return Err(fail(&store, e)),
        };
        let info = match bindings.posture_plugin_plugin().call_describe(&mut store) {
            Ok(i) => i,
            Err(e) => return Err(fail(&store, e)),
        };
        let info = convert::plugin_info(info);
        validate_info(&info).map_err(|message| LoadError::InvalidMetadata {
            path: self.path.clone(),
            message,
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
        let ctx = wit::EvaluationContext {
            now,
            captured_at: snapshot.captured_at,
            accounts: snapshot
                .accounts
                .iter()
                .map(|a| wit::Account {
                    id: a.id.clone(),
                    provider: a.provider.clone(),
                    name: a.name.clone(),
                })
                .collect(),
            checks: checks
                .iter()
                .map(|c| wit::CheckRequest {
                    check_id: c.id.clone(),
                    params: c
                        .params
                        .iter()
                        .map(|(name, v)| wit::Param {
                            name: name.clone(),
                            value: convert::to_wit_param_value(v),
                        })
                        .collect(),
                })
                .collect(),
        };
        let mut timings = EvalTimings::default();
        let started = Instant::now();
        let mut store = self.new_store(snapshot, allowed, limits, now);
        let bindings = match self.pre.instantiate(&mut store) {
            Ok(b) => b,
            Err(e) => return Err(classify(e, store.data(), limits)),
        };
        timings.instantiate = started.elapsed();
        let started = Instant::now();
        let returned = match bindings
            .posture_plugin_plugin()
            .call_evaluate(&mut store, &ctx)
        {
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
        let requested: HashSet<&str> = checks.iter().map(|c| c.id.as_str()).collect();
        validate_output(&findings, &requested, limits)?;
        let findings = findings
            .into_iter()
            .map(|f| RawFinding {
                check_id: f.check_id,
                status: convert::status(f.status),
                resource: convert::resource(f.resource),
                message: f.message,
                severity: f.severity.map(convert::severity),
                evidence: f.evidence.into_iter().map(convert::evidence).collect(),
            })
            .collect();
        timings.convert = started.elapsed();
        Ok(EvalOutput {
            findings,
            host_calls,
            timings,
        })
    }
}

/// Finds the contract version the component exports and whether it imports WASI; refuses
/// components that are not plugins, target another contract version, or import anything
/// the host does not provide.
fn inspect(
    engine: &Engine,
    component: &Component,
    path: &Path,
) -> Result<(semver::Version, bool), LoadError> {
    let ty = component.component_type();
    let mut contract = None;
    let mut exports = Vec::new();
    for (name, _) in ty.exports(engine) {
        exports.push(name.to_string());
        if let Some(v) = name
            .strip_prefix(PLUGIN_EXPORT)
            .and_then(|rest| rest.strip_prefix('@'))
        {
            contract = Some(v.to_string());
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
    Ok((version, uses_wasi))
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Checks the self-description: names and ids well formed and unique, contract version
/// compatible, parameters unique.
fn validate_info(info: &PluginInfo) -> Result<(), String> {
    if !is_id(&info.name) {
        return Err(format!(
            "plugin name `{}` must be non-empty lowercase letters, digits, `-`, `_` or `.`",
            info.name
        ));
    }
    let declared = semver::Version::parse(&info.contract_version).map_err(|_| {
        format!(
            "contract-version `{}` is not a semantic version",
            info.contract_version
        )
    })?;
    if !contract_compatible(&declared) {
        return Err(format!(
            "declares contract-version {declared}, but this host supports {}",
            super::SUPPORTED_CONTRACTS
        ));
    }
    if info.checks.is_empty() {
        return Err("declares no checks".into());
    }
    let mut seen = HashSet::new();
    for c in &info.checks {
        if !is_id(&c.id) {
            return Err(format!(
                "check id `{}` must be non-empty lowercase letters, digits, `-`, `_` or `.`",
                c.id
            ));
        }
        if !seen.insert(c.id.as_str()) {
            return Err(format!("check id `{}` is declared twice", c.id));
        }
        if c.title.trim().is_empty() || c.domain.trim().is_empty() {
            return Err(format!("check `{}` has an empty title or domain", c.id));
        }
        let mut params = HashSet::new();
        for p in &c.params {
            if !params.insert(p.name.as_str()) {
                return Err(format!(
                    "check `{}` declares parameter `{}` twice",
                    c.id, p.name
                ));
            }
        }
    }
    Ok(())
}

fn validate_output(
    findings: &[wit::Finding],
    requested: &HashSet<&str>,
    limits: &Limits,
) -> Result<(), PluginFailure> {
    let invalid = |message: String| PluginFailure {
        kind: FailureKind::InvalidOutput,
        message,
    };
    if findings.len() as u64 > limits.max_findings {
        return Err(PluginFailure {
            kind: FailureKind::OutputLimit,
            message: format!(
                "returned {} findings, over the limit of {}",
                findings.len(),
                limits.max_findings
            ),
        });
    }
    let mut bytes: u64 = 0;
    for f in findings {
        if !requested.contains(f.check_id.as_str()) {
            return Err(invalid(format!(
                "returned a finding for check `{}`, which it was not asked to run",
                f.check_id
            )));
        }
        if f.resource.id.is_empty() || f.resource.kind.is_empty() {
            return Err(invalid(format!(
                "returned a finding for check `{}` with an empty resource kind or id",
                f.check_id
            )));
        }
        bytes += (f.message.len()
            + f.resource.id.len()
            + f.resource.kind.len()
            + f.resource.display_name.as_ref().map_or(0, String::len)
            + f.evidence
                .iter()
                .map(|e| e.key.len() + e.value.len() + e.path.len())
                .sum::<usize>()) as u64;
    }
    if bytes > limits.max_output_bytes {
        return Err(PluginFailure {
            kind: FailureKind::OutputLimit,
            message: format!(
                "returned {bytes} bytes of findings, over the limit of {} bytes",
                limits.max_output_bytes
            ),
        });
    }
    Ok(())
}

/// Turns a wasmtime error into a failure that says which limit or fault it was.
fn classify(e: wasmtime::Error, state: &PluginState, limits: &Limits) -> PluginFailure {
    if let Some(desired) = state.limiter.exceeded {
        return PluginFailure {
            kind: FailureKind::MemoryLimit,
            message: format!(
                "exceeded its memory limit of {} MiB (tried to grow to {:.1} MiB)",
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
