//! One measured run of one arm, end to end from the snapshot file to rendered findings, with
//! its phases timed. The binary runs each arm in a child process so that peak memory is the
//! arm's own.

use crate::{native, rego};
use posture::config::Config;
use posture::runtime::Runtime;
use posture::session::{Gate, ScanRequest, ScanTarget, Session};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// What one arm measured. Times in milliseconds.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
pub struct Measurement {
    /// From reading the snapshot file to the rendered output.
    pub wall_ms: f64,
    /// Reading and parsing the snapshot.
    pub parse_ms: f64,
    /// Loading the plugins (from the compile cache) or converting the snapshot (native).
    pub start_ms: f64,
    /// Evaluating the checks: for Wasm, lowering the entities into the guests included.
    pub eval_ms: f64,
    /// Rendering the findings (JSON).
    pub render_ms: f64,
    /// Findings produced.
    pub findings: usize,
    /// Peak resident memory of the process, MiB.
    pub peak_rss_mib: f64,
    /// (a) only, summed over plugins: the phases inside `eval_ms`.
    pub wasm: WasmPhases,
}

/// Where (a)'s evaluation time went, summed over the plugins (with `--jobs 1` the sum is
/// `eval_ms` minus scheduling).
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
pub struct WasmPhases {
    /// Creating stores and instantiating components.
    pub instantiate_ms: f64,
    /// The host collecting pages of entities for the guests.
    pub pages_ms: f64,
    /// The `evaluate` calls minus `pages_ms`: lowering pages into the guests, the checks
    /// themselves, lifting the findings back.
    pub guest_ms: f64,
    /// Validating and converting findings.
    pub convert_ms: f64,
    /// Building the report (severities, ordering, summaries).
    pub aggregate_ms: f64,
}

/// Times the phases of one arm, each from the end of the previous one.
struct Stopwatch {
    start: Instant,
    lap: Instant,
    m: Measurement,
}

impl Stopwatch {
    fn new() -> Stopwatch {
        let now = Instant::now();
        Stopwatch {
            start: now,
            lap: now,
            m: Measurement::default(),
        }
    }

    /// Milliseconds since the previous lap.
    fn lap(&mut self) -> f64 {
        let now = Instant::now();
        let ms = (now - self.lap).as_secs_f64() * 1000.0;
        self.lap = now;
        ms
    }

    /// The measurement, with the total wall time and the peak memory so far.
    fn finish(mut self, findings: usize) -> Measurement {
        self.m.wall_ms = self.start.elapsed().as_secs_f64() * 1000.0;
        self.m.findings = findings;
        self.m.peak_rss_mib = peak_rss_mib();
        self.m
    }
}

/// Peak resident set size of this process, from `/proc/self/status` (0 where unavailable).
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// A configuration that enables only the checks `only` accepts, among those the plugins
/// declare, with limits raised for enterprise scale: the defaults (256 MiB, 30 s, 1M findings
/// per plugin) are sized for ordinary tenants, and the SDK keeps a whole entity kind and all
/// findings in guest memory (1M shares need ~1 GiB there).
pub fn config_for(
    plugins: &[Arc<posture::runtime::LoadedPlugin>],
    only: Option<&[&str]>,
) -> anyhow::Result<Config> {
    let mut toml = String::new();
    for p in plugins {
        toml.push_str(&format!(
            "[plugins.\"{}\".limits]\nmemory-mib = 4096\ndeadline-ms = 600000\nmax-findings = 10000000\nmax-output-mib = 4096\n",
            p.info.name
        ));
    }
    if let Some(only) = only {
        for p in plugins {
            for c in &p.info.checks {
                if !only.contains(&c.id.as_str()) {
                    toml.push_str(&format!("[checks.\"{}\"]\nenabled = false\n", c.id));
                }
            }
        }
    }
    Config::parse(&toml).map_err(|e| anyhow::anyhow!("bench configuration: {e}"))
}

/// (a) posture: parse, load the components in `plugins` (compile cache in `cache`), scan with
/// `jobs` plugins at once, render the JSON report.
pub fn wasm(
    snapshot: &Path,
    plugins: &Path,
    cache: &Path,
    jobs: usize,
    only: Option<&[&str]>,
    now: i64,
) -> anyhow::Result<Measurement> {
    let mut sw = Stopwatch::new();
    let bytes = std::fs::read(snapshot)?;
    let snap = Arc::new(posture::snapshot::from_slice(
        &bytes,
        &snapshot.display().to_string(),
    )?);
    drop(bytes);
    sw.m.parse_ms = sw.lap();
    let rt = Runtime::new(Some(cache))?;
    let mut loaded = Vec::new();
    for (path, bytes) in Runtime::plugin_files(plugins)? {
        loaded.push(Arc::new(rt.load_bytes(&path, &bytes)?));
    }
    let config = config_for(&loaded, only)?;
    let session = Session::new(loaded, config);
    session.plan()?;
    sw.m.start_ms = sw.lap();
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(jobs.max(1))
        .enable_time()
        .build()?;
    let outcome = tokio.block_on(session.scan_async(
        ScanRequest {
            target: ScanTarget {
                snapshot: snap,
                origin: snapshot.display().to_string(),
                sha256: None,
            },
            now,
            jobs,
            baseline: None,
            gate: Gate::default(),
        },
        None,
    ))?;
    let (report, timings) = (outcome.report, outcome.timings);
    if let Some(failed) = report.plugins.iter().find(|p| p.error.is_some()) {
        anyhow::bail!("plugin {} failed: {:?}", failed.name, failed.error);
    }
    sw.m.eval_ms = sw.lap();
    let json = posture::report::render(&report, posture::report::Format::Json);
    std::hint::black_box(&json);
    sw.m.render_ms = sw.lap();
    let secs = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let w = &mut sw.m.wasm;
    w.aggregate_ms = secs(timings.aggregate);
    for (_, p) in &timings.plugins {
        w.instantiate_ms += secs(p.instantiate);
        w.pages_ms += secs(p.pages);
        w.guest_ms += secs(p.call.saturating_sub(p.pages));
        w.convert_ms += secs(p.convert);
    }
    Ok(sw.finish(report.findings.len()))
}

/// A finding as the native arm renders it.
#[derive(Serialize)]
struct NativeFinding<'a> {
    check_id: &'a str,
    status: String,
    resource_id: &'a str,
    message: &'a str,
    evidence: Vec<(&'a str, &'a str, &'a str)>,
}

/// (b) native: parse (posture's loader), convert into the SDK's types, run the plugins' check
/// functions, render the findings as JSON.
pub fn native(snapshot: &Path, only: Option<&[&str]>, now: i64) -> anyhow::Result<Measurement> {
    let mut sw = Stopwatch::new();
    let bytes = std::fs::read(snapshot)?;
    let snap = posture::snapshot::from_slice(&bytes, &snapshot.display().to_string())?;
    drop(bytes);
    sw.m.parse_ms = sw.lap();
    let sdk_snap = native::snapshot(&snap);
    let plugins = native::plugins();
    sw.m.start_ms = sw.lap();
    let wanted = |id: &str| only.is_none_or(|o| o.contains(&id));
    let findings = native::run(&plugins, &snap, &sdk_snap, now, &wanted)?;
    sw.m.eval_ms = sw.lap();
    let out: Vec<NativeFinding> = findings
        .iter()
        .map(|f| NativeFinding {
            check_id: &f.check_id,
            status: posture_sdk::wit_name(f.status),
            resource_id: &f.resource.id,
            message: &f.message,
            evidence: f
                .evidence
                .iter()
                .map(|e| (e.key.as_str(), e.value.as_str(), e.path.as_str()))
                .collect(),
        })
        .collect();
    let json = serde_json::to_string(&out)?;
    std::hint::black_box(&json);
    sw.m.render_ms = sw.lap();
    Ok(sw.finish(findings.len()))
}

/// (c) Rego: regorus parses the snapshot JSON as its input and evaluates the policy.
pub fn rego(snapshot: &Path, now: i64) -> anyhow::Result<Measurement> {
    let mut sw = Stopwatch::new();
    let text = std::fs::read_to_string(snapshot)?;
    let input = regorus::Value::from_json_str(&text)?;
    drop(text);
    sw.m.parse_ms = sw.lap();
    let mut engine = rego::engine(now)?;
    engine.set_input(input);
    sw.m.start_ms = sw.lap();
    let findings = engine.eval_rule(rego::RULE.into())?;
    sw.m.eval_ms = sw.lap();
    let json = findings.to_json_str()?;
    std::hint::black_box(&json);
    sw.m.render_ms = sw.lap();
    Ok(sw.finish(findings.as_set().map_or(0, |s| s.len())))
}

/// Plugin start from the compile cache: milliseconds to load each component in `plugins`
/// (read, digest, deserialise the compiled code, instantiate, `describe`), slowest first.
pub fn start(plugins: &Path, cache: &Path) -> anyhow::Result<Vec<(String, f64)>> {
    let files = Runtime::plugin_files(plugins)?;
    // Warm: compile into the cache if a component is not there yet.
    let rt = Runtime::new(Some(cache))?;
    for (path, bytes) in &files {
        rt.load_bytes(path, bytes)?;
    }
    let mut out = Vec::new();
    for (path, bytes) in &files {
        let rt = Runtime::new(Some(cache))?;
        let t = Instant::now();
        let p = rt.load_bytes(path, bytes)?;
        out.push((p.info.name.clone(), t.elapsed().as_secs_f64() * 1000.0));
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(out)
}
