//! One plugin: loading (digest, compile through the cache, contract and import checks,
//! pre-instantiation, `describe` and metadata validation) and evaluation in a fresh,
//! limited instance per scan.

use super::engine::ticks_for;
use super::error::LoadError;
use super::state::PluginState;
use crate::contract::bindings::{CheckPluginPre, wit};
use crate::contract::{CONTRACT_PACKAGE, PLUGIN_EXPORT, contract_compatible, convert};
use crate::limits::Limits;
use crate::model::{CheckRun, FailureKind, PluginFailure, PluginInfo, RawFinding};
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
                source: e.into(),
            })?;
        let pre = CheckPluginPre::new(instance_pre).map_err(|e| LoadError::Link {
            path: p.clone(),
            source: e.into(),
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
        let ctx =
            convert::evaluation_context(snapshot.captured_at, &snapshot.accounts, now, checks);
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
        let findings = findings.into_iter().map(convert::finding).collect();
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
            crate::contract::supported_contracts()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CONTRACT_VERSION;
    use crate::model::{CheckInfo, ParamSpec, ParamValue, Severity};

    fn check(id: &str) -> CheckInfo {
        CheckInfo {
            id: id.into(),
            title: "A title".into(),
            description: String::new(),
            default_severity: Severity::High,
            domain: "iam".into(),
            rationale: String::new(),
            remediation: String::new(),
            controls: Vec::new(),
            params: Vec::new(),
            reads: vec![EntityKind::Principals],
        }
    }

    fn info(checks: Vec<CheckInfo>) -> PluginInfo {
        PluginInfo {
            name: "aws-iam".into(),
            version: "1.0.0".into(),
            vendor: "v".into(),
            contract_version: CONTRACT_VERSION.into(),
            checks,
        }
    }

    fn param(name: &str) -> ParamSpec {
        ParamSpec {
            name: name.into(),
            description: String::new(),
            default: ParamValue::Integer(90),
        }
    }

    fn refused(info: &PluginInfo) -> String {
        validate_info(info).expect_err("refused")
    }

    #[test]
    fn a_well_formed_description_is_accepted() {
        let mut c = check("iam.mfa_v2-x");
        c.params = vec![param("max_age"), param("min_age")];
        assert_eq!(validate_info(&info(vec![c, check("iam.root")])), Ok(()));
    }

    #[test]
    fn names_and_check_ids_must_be_lowercase_ids() {
        for bad in ["", "AWS", "aws iam", "aws/iam"] {
            let mut i = info(vec![check("iam.a")]);
            i.name = bad.into();
            assert!(refused(&i).contains("plugin name"), "{bad:?}");
            assert!(
                refused(&info(vec![check(bad)])).contains("check id"),
                "{bad:?}"
            );
        }
        assert!(refused(&info(vec![check(&"a".repeat(129))])).contains("check id"));
        assert_eq!(validate_info(&info(vec![check(&"a".repeat(128))])), Ok(()));
    }

    #[test]
    fn check_ids_and_parameters_are_unique_and_a_plugin_has_checks() {
        let e = refused(&info(vec![check("iam.a"), check("iam.b"), check("iam.a")]));
        assert!(e.contains("`iam.a` is declared twice"), "{e}");
        let mut c = check("iam.a");
        c.params = vec![param("days"), param("days")];
        let e = refused(&info(vec![c]));
        assert!(e.contains("parameter `days` twice"), "{e}");
        assert_eq!(refused(&info(Vec::new())), "declares no checks");
        let mut c = check("iam.a");
        c.domain = " ".into();
        assert!(refused(&info(vec![c])).contains("empty title or domain"));
    }

    #[test]
    fn the_declared_contract_version_must_be_compatible() {
        let ours = semver::Version::parse(CONTRACT_VERSION).expect("ours");
        let mut i = info(vec![check("iam.a")]);
        i.contract_version = format!("{}.{}.99", ours.major, ours.minor);
        assert_eq!(validate_info(&i), Ok(()), "patch versions are compatible");
        i.contract_version = format!("{}.{}.0", ours.major, ours.minor + 1);
        assert!(
            refused(&i).contains("this host supports"),
            "{}",
            refused(&i)
        );
        i.contract_version = "one".into();
        assert!(refused(&i).contains("not a semantic version"));
    }

    fn finding(check: &str, id: &str, message: &str) -> wit::Finding {
        wit::Finding {
            check_id: check.into(),
            status: wit::Status::Fail,
            resource: wit::ResourceRef {
                kind: "principal".into(),
                id: id.into(),
                display_name: Some("Ann".into()),
                account: Some("1".into()),
            },
            message: message.into(),
            severity: None,
            evidence: vec![wit::Evidence {
                key: "mfa".into(),
                value: "false".into(),
                path: "/p/0".into(),
            }],
        }
    }

    fn check_output(findings: &[wit::Finding], limits: &Limits) -> Result<(), PluginFailure> {
        validate_output(findings, &HashSet::from(["iam.a", "iam.b"]), limits)
    }

    fn kind_of(r: Result<(), PluginFailure>) -> FailureKind {
        r.expect_err("refused").kind
    }

    #[test]
    fn findings_must_be_for_requested_checks_and_name_a_resource() {
        let limits = Limits::default();
        let ok = [finding("iam.a", "u1", "m"), finding("iam.b", "u2", "m")];
        assert_eq!(check_output(&ok, &limits), Ok(()));
        let e = check_output(&[finding("iam.c", "u1", "m")], &limits).expect_err("refused");
        assert_eq!(e.kind, FailureKind::InvalidOutput);
        assert!(e.message.contains("`iam.c`"), "{}", e.message);
        let no_id = finding("iam.a", "", "m");
        assert_eq!(
            kind_of(check_output(&[no_id], &limits)),
            FailureKind::InvalidOutput
        );
        let mut no_kind = finding("iam.a", "u1", "m");
        no_kind.resource.kind.clear();
        assert_eq!(
            kind_of(check_output(&[no_kind], &limits)),
            FailureKind::InvalidOutput
        );
    }

    #[test]
    fn too_many_findings_or_bytes_is_an_output_limit() {
        let three = [
            finding("iam.a", "u1", "m"),
            finding("iam.a", "u2", "m"),
            finding("iam.a", "u3", "m"),
        ];
        let limits = Limits {
            max_findings: 3,
            ..Limits::default()
        };
        assert_eq!(check_output(&three, &limits), Ok(()));
        let limits = Limits {
            max_findings: 2,
            ..Limits::default()
        };
        assert_eq!(
            kind_of(check_output(&three, &limits)),
            FailureKind::OutputLimit
        );

        // Counted: message, resource id, kind and display name, evidence key, value, path.
        let f = finding("iam.a", "u1", "0123456789");
        let size =
            (10 + 2 + "principal".len() + "Ann".len() + "mfa".len() + "false".len() + 4) as u64;
        let at = |max_output_bytes| Limits {
            max_output_bytes,
            ..Limits::default()
        };
        let two = [f.clone(), f];
        assert_eq!(check_output(&two, &at(2 * size)), Ok(()));
        let e = check_output(&two, &at(2 * size - 1)).expect_err("over");
        assert_eq!(e.kind, FailureKind::OutputLimit);
        assert!(
            e.message.contains(&format!("{} bytes", 2 * size)),
            "{}",
            e.message
        );
    }
}
