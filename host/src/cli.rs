//! Flag definitions and the subcommands (`scan`, `report`, `diff`, `test`,
//! `plugins list|lock|build`, `schema`).

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use posture::config::Config;
use posture::lock::{LockEntry, LockFile};
use posture::model::Severity;
use posture::report::Format;
use posture::report::{PluginError, PluginRun};
use posture::runtime::{FailureKind, LoadedPlugin, Runtime};
use posture::scan::{self, ScanOptions};
use sha2::{Digest, Sha256};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Exit code: usage or input error.
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "posture",
    version,
    about = "Scan cloud and SaaS configuration snapshots with sandboxed WebAssembly check plugins."
)]
struct Cli {
    /// More logging on stderr (-v: info, -vv: debug). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan a snapshot with the installed plugins.
    Scan(ScanArgs),
    /// Inspect and build plugins.
    #[command(subcommand, visible_alias = "plugin")]
    Plugins(PluginsCommand),
    /// Print the JSON Schema of the normalised snapshot (v1), or of the JSON report.
    Schema {
        /// The schema of the JSON report (`posture.report/v1`) instead.
        #[arg(long)]
        report: bool,
    },
    /// Render a saved JSON report (from `scan --format json`) in another format.
    Report(ReportArgs),
    /// Run declarative test cases (JSON: snapshot fragment, parameters, now, expected findings)
    /// against a plugin component, whatever language it was written in.
    Test {
        /// The plugin component (.wasm).
        #[arg(value_name = "PLUGIN")]
        plugin: PathBuf,
        /// Directory of case files (*.json).
        #[arg(long, value_name = "DIR")]
        cases: PathBuf,
        /// Compile-cache directory [default: as for scan].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Compare two JSON reports: new failures, fixed, still failing, newly not evaluable,
    /// and administrators / administrative grants added or removed.
    Diff(DiffArgs),
    /// Turn an export (AWS CLI answers, …) into a normalised snapshot.
    Import(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    /// What the export is: `aws` (a directory written by examples/collect/aws.sh),
    /// `scubagear` (ProviderSettingsExport.json of ScubaGear, Microsoft 365), `scubagoggles`
    /// (the provider export of ScubaGoggles, Google Workspace).
    #[arg(value_name = "SOURCE")]
    source: posture::import::Source,
    /// The export: a directory or a file, depending on SOURCE.
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// Where to write the snapshot [default: standard output].
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Capture time (RFC 3339) when the export does not record one, or to override it.
    #[arg(long, value_name = "TIME")]
    captured_at: Option<String>,
    /// Account id (tenant domain, customer id) when the export does not name its account.
    #[arg(long, value_name = "ID")]
    account: Option<String>,
}

#[derive(Args)]
struct ReportArgs {
    /// The JSON report.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// Configuration file (TOML); its `[actions]` section sets owners and SLAs.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Waivers file (TOML), applied at the report's evaluation time.
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args)]
struct DiffArgs {
    /// The baseline report (JSON, from `scan --format json`).
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The newer report.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 if a new failure (not waived) has this severity or higher; `none` never exits 1.
    #[arg(long, value_name = "SEVERITY", default_value = "none", value_parser = parse_fail_on)]
    fail_on: FailOn,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// Whether to colour: `always`/`never` win; `auto` colours a terminal unless `NO_COLOR` is set
/// to a non-empty value (<https://no-color.org>).
fn use_color(choice: ColorChoice, terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// How results are shown; shared by `scan` and `report`.
#[derive(Args)]
struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Show the compliance roll-up for this framework instead of the findings (formats:
    /// text, json, markdown, csv).
    #[arg(long, value_enum, value_name = "FRAMEWORK")]
    framework: Option<posture::compliance::Framework>,
    /// Text format: print only the summary line and plugin failures.
    #[arg(long, short)]
    quiet: bool,
    /// Text format: print how to fix CHECK under its failing findings (repeatable; `all`).
    #[arg(long, value_name = "CHECK")]
    explain: Vec<String>,
    /// Colour in the text format.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
}

impl OutputArgs {
    fn color(&self) -> bool {
        use_color(
            self.color,
            self.output.is_none() && std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        )
    }

    /// Renders `report` as asked (findings or compliance roll-up).
    fn render(&self, report: &posture::report::Report, config: &Config) -> Result<String> {
        if let Some(framework) = self.framework {
            let catalog = posture::compliance::catalog(framework)?;
            let rollup = posture::compliance::rollup(report, &catalog);
            return match self.format {
                Format::Text => Ok(rollup.to_text()),
                Format::Json => Ok(rollup.to_json()),
                Format::Markdown => Ok(rollup.to_markdown()),
                Format::Csv => Ok(rollup.to_csv()?),
                other => bail!(
                    "--framework renders as text, json, markdown or csv, not {}",
                    other
                        .to_possible_value()
                        .map(|v| v.get_name().to_string())
                        .unwrap_or_default()
                ),
            };
        }
        let opts = posture::report::RenderOptions {
            actions: config.actions.clone(),
            text: posture::report::text::TextOptions {
                color: self.color(),
                quiet: self.quiet,
                explain: self.explain.iter().cloned().collect(),
            },
        };
        Ok(posture::report::render_with(report, self.format, &opts))
    }
}

#[derive(Args)]
struct PluginSource {
    /// Directory of plugin components (*.wasm); repeatable.
    #[arg(
        long = "plugins",
        value_name = "DIR",
        env = "POSTURE_PLUGIN_DIR",
        default_value = "target/plugins"
    )]
    plugins: Vec<PathBuf>,
    /// Compile-cache directory [default: $POSTURE_CACHE_DIR, $XDG_CACHE_HOME/posture, ~/.cache/posture].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile plugins without reading or writing the cache.
    #[arg(long)]
    no_cache: bool,
    /// Lock file pinning plugin digests; enforced when it exists (see `posture plugins lock`).
    #[arg(long, value_name = "FILE", env = "POSTURE_LOCK", default_value = posture::lock::DEFAULT_LOCK_FILE)]
    lock: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Args)]
struct ScanArgs {
    /// The normalised snapshot (JSON) to scan, or with --from an export to import first.
    #[arg(long, value_name = "PATH")]
    snapshot: PathBuf,
    /// --snapshot is an export of this kind (as for `posture import`), imported in memory.
    #[arg(long, value_name = "SOURCE")]
    from: Option<posture::import::Source>,
    #[command(flatten)]
    source: PluginSource,
    /// Configuration file (TOML): check parameters, severities, limits.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
    /// Exit 1 if a failing finding has this severity or higher; `none` never exits 1.
    #[arg(long, value_name = "SEVERITY", default_value = "info", value_parser = parse_fail_on)]
    fail_on: FailOn,
    /// Compare with this earlier JSON report: the text output ends with what changed.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// With --baseline: only failures that are new since the baseline count for --fail-on.
    #[arg(long, requires = "baseline")]
    fail_on_new: bool,
    /// The evaluation's "now" (RFC 3339); default: the current time. Fix it for reproducible reports.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Plugins evaluated at once [default: number of cores].
    #[arg(long, short, value_name = "N")]
    jobs: Option<usize>,
    /// Waivers file (TOML): accepted risks with owner, reason and expiry.
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// Refuse snapshot files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = posture::snapshot::DEFAULT_MAX_SNAPSHOT_BYTES >> 20)]
    max_snapshot_mib: u64,
}

#[derive(Clone, Copy)]
struct FailOn(Option<Severity>);

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(FailOn(None));
    }
    s.parse::<Severity>().map(|v| FailOn(Some(v)))
}

#[derive(Subcommand)]
enum PluginsCommand {
    /// List installed plugins and their checks.
    List {
        #[command(flatten)]
        source: PluginSource,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Pin the sha256 of every installed plugin in the lock file (after reviewing them).
    Lock {
        #[command(flatten)]
        source: PluginSource,
    },
    /// Create a new plugin with one check, one test and one case for `posture test`.
    New {
        /// Plugin name (kebab-case); also the directory created unless --dir is given.
        #[arg(value_name = "NAME")]
        name: String,
        /// Language.
        #[arg(long, value_enum, default_value = "rust")]
        lang: posture::scaffold::Lang,
        /// Directory to create [default: ./NAME].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// The posture SDK (Rust) [default: the checkout this binary was built from].
        #[arg(long, value_name = "PATH")]
        sdk: Option<PathBuf>,
    },
    /// Build plugins into components: Rust crates (Cargo.toml) or other languages (posture-plugin.toml).
    Build {
        /// Plugin directories.
        #[arg(value_name = "DIR", default_value = ".")]
        dirs: Vec<PathBuf>,
        /// Where to write `<crate>.wasm`.
        #[arg(long, value_name = "DIR", default_value = "target/plugins")]
        out_dir: PathBuf,
        /// cargo target directory for the guest build.
        #[arg(long, value_name = "DIR")]
        target_dir: Option<PathBuf>,
    },
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    init_logging(cli.verbose);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("posture={default},warn")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .try_init();
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => scan_cmd(args),
        Command::Plugins(PluginsCommand::List { source, format }) => list_cmd(source, format),
        Command::Plugins(PluginsCommand::Lock { source }) => lock_cmd(source),
        Command::Plugins(PluginsCommand::New {
            name,
            lang,
            dir,
            sdk,
        }) => {
            let dir = dir.unwrap_or_else(|| PathBuf::from(&name));
            let files = posture::scaffold::new_plugin(lang, &name, &dir, sdk.as_deref())?;
            for f in files {
                println!("created {}", f.display());
            }
            println!(
                "next: posture plugin build {d} --out-dir {d}/target/plugins && posture test {d}/target/plugins/{name}.wasm --cases {d}/cases",
                d = dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Plugins(PluginsCommand::Build {
            dirs,
            out_dir,
            target_dir,
        }) => build_cmd(dirs, out_dir, target_dir),
        Command::Report(args) => report_cmd(args),
        Command::Diff(args) => diff_cmd(args),
        Command::Import(args) => import_cmd(args),
        Command::Test {
            plugin,
            cases,
            cache_dir,
        } => test_cmd(&plugin, &cases, cache_dir),
        Command::Schema { report } => {
            let schema = if report {
                posture::report::json_schema()
            } else {
                posture::snapshot::json_schema()
            };
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import_cmd(args: ImportArgs) -> Result<ExitCode> {
    let captured_at = args
        .captured_at
        .as_deref()
        .map(posture::snapshot::time::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--captured-at: {e}"))?;
    let options = posture::import::Options {
        captured_at,
        account: args.account,
    };
    let snapshot = posture::import::import(args.source, &args.path, &options)?;
    let json = serde_json::to_string_pretty(&snapshot)?;
    match &args.output {
        Some(out) => {
            std::fs::write(out, json + "\n")
                .with_context(|| format!("cannot write {}", out.display()))?;
            let kinds = posture::snapshot::EntityKind::ALL
                .iter()
                .filter(|k| snapshot.count(**k).is_some())
                .count();
            eprintln!(
                "imported {} ({} of {} entity kinds collected) into {}",
                args.path.display(),
                kinds,
                posture::snapshot::EntityKind::ALL.len(),
                out.display()
            );
        }
        None => println!("{json}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn runtime(source: &PluginSource) -> Result<Runtime> {
    let cache = if source.no_cache {
        None
    } else {
        source
            .cache_dir
            .clone()
            .or_else(posture::runtime::default_cache_dir)
    };
    match Runtime::new(cache.as_deref()) {
        Ok(rt) => Ok(rt),
        Err(posture::runtime::RuntimeError::Cache(e)) => {
            // An unusable cache costs compile time, not correctness.
            tracing::warn!("{e}; continuing without the compile cache");
            Ok(Runtime::new(None)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Loads every plugin in the source directories. Plugins that cannot be loaded, or that the
/// lock file refuses, are returned as failed runs (reported, exit 3) rather than aborting the
/// scan. `enforce_lock = false` is for `plugins lock` itself.
fn load_plugins(
    rt: &Runtime,
    source: &PluginSource,
    enforce_lock: bool,
) -> Result<(Vec<Arc<LoadedPlugin>>, Vec<PluginRun>)> {
    let mut loaded: Vec<Arc<LoadedPlugin>> = Vec::new();
    let mut refused = Vec::new();
    let mut files = Vec::new();
    for dir in &source.plugins {
        let found = Runtime::plugin_files(dir)
            .context("no plugins: build them with `make plugins` or pass --plugins DIR")?;
        files.extend(found);
    }
    if files.is_empty() {
        bail!(
            "no plugin components (*.wasm) in {}; build them with `make plugins` or pass --plugins DIR",
            source
                .plugins
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let lock = if enforce_lock {
        LockFile::load(&source.lock)?
    } else {
        None
    };
    if lock.is_none() && enforce_lock {
        tracing::info!(
            "no lock file at {}: plugin digests are not pinned (run `posture plugins lock`)",
            source.lock.display()
        );
    }
    for (path, bytes) in files {
        let file = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let digest = hex::encode(Sha256::digest(&bytes));
        let result = match lock.as_ref().map(|l| l.check(&file, &digest)) {
            // Refused before compiling: a changed plugin never runs.
            Some(Err(violation)) => Err(violation.to_string()),
            _ => rt
                .load_bytes(&path, &bytes)
                .and_then(|p| check_conflicts(&loaded, p))
                .map_err(|e| e.to_string()),
        };
        match result {
            Ok(p) => loaded.push(Arc::new(p)),
            Err(message) => {
                tracing::error!("{message}");
                refused.push(PluginRun {
                    name: path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    version: String::new(),
                    vendor: String::new(),
                    digest,
                    checks: Vec::new(),
                    findings: 0,
                    error: Some(PluginError {
                        kind: FailureKind::Load,
                        message,
                    }),
                });
            }
        }
    }
    let stats = rt.cache_stats();
    tracing::info!(
        "compile cache: {} hit(s), {} compiled, {} rejected",
        stats.hits,
        stats.compiled,
        stats.rejected
    );
    Ok((loaded, refused))
}

fn check_conflicts(
    loaded: &[Arc<LoadedPlugin>],
    p: LoadedPlugin,
) -> Result<LoadedPlugin, posture::runtime::LoadError> {
    for other in loaded {
        if other.info.name == p.info.name {
            return Err(posture::runtime::LoadError::Conflict {
                path: p.path.clone(),
                message: format!(
                    "plugin name `{}` is already used by {}",
                    p.info.name,
                    other.path.display()
                ),
            });
        }
        for c in &p.info.checks {
            if other.info.checks.iter().any(|o| o.id == c.id) {
                return Err(posture::runtime::LoadError::Conflict {
                    path: p.path.clone(),
                    message: format!(
                        "check id `{}` is already provided by plugin `{}`",
                        c.id, other.info.name
                    ),
                });
            }
        }
    }
    Ok(p)
}

fn parse_now(s: Option<&str>) -> Result<i64> {
    match s {
        None => Ok(chrono::Utc::now().timestamp()),
        Some(s) => Ok(chrono::DateTime::parse_from_rfc3339(s)
            .with_context(|| {
                format!("--now `{s}` is not an RFC 3339 time like 2026-11-22T12:00:00Z")
            })?
            .timestamp()),
    }
}

fn scan_cmd(args: ScanArgs) -> Result<ExitCode> {
    let now = parse_now(args.now.as_deref())?;
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let waivers = match &args.waivers {
        Some(p) => Some(posture::waiver::WaiverFile::load(p)?),
        None => None,
    };
    let snapshot = match args.from {
        Some(source) => {
            posture::import::import(source, &args.snapshot, &posture::import::Options::default())?
        }
        None => posture::snapshot::load_capped(
            &args.snapshot,
            args.max_snapshot_mib.saturating_mul(1 << 20),
        )?,
    };
    let rt = runtime(&args.source)?;
    let (plugins, refused) = load_plugins(&rt, &args.source, true)?;
    let planned = scan::plan(&plugins, &config)?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let progress = progress_bar(planned.len());
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(jobs)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let origin = args.snapshot.display().to_string();
    let mut report = tokio.block_on(scan::run(
        planned,
        Arc::new(snapshot),
        origin,
        &config,
        ScanOptions { jobs, now },
        progress.clone().map(|b| {
            Arc::new(move |name: &str, done: usize, _total: usize| {
                b.set_position(done as u64);
                b.set_message(name.to_string());
            }) as scan::Progress
        }),
    ));
    if let Some(b) = progress {
        b.finish_and_clear();
    }
    report.add_refused(refused);
    if let Some(w) = &waivers {
        w.apply(&mut report, now);
    }
    let baseline = match &args.baseline {
        Some(p) => Some(posture::diff::diff(&posture::report::read(p)?, &report)),
        None => None,
    };
    let mut rendered = args.out.render(&report, &config)?;
    if let Some(d) = &baseline
        && args.out.format == Format::Text
        && args.out.framework.is_none()
        && !args.out.quiet
    {
        rendered.push('\n');
        rendered.push_str(&d.to_text());
    }
    write_output(args.out.output.as_deref(), &rendered)?;
    let code = match &baseline {
        Some(d) if args.fail_on_new => {
            let errors = report.exit_code(None);
            if errors != 0 {
                errors
            } else {
                d.exit_code(args.fail_on.0)
            }
        }
        _ => report.exit_code(args.fail_on.0),
    };
    Ok(ExitCode::from(code as u8))
}

fn report_cmd(args: ReportArgs) -> Result<ExitCode> {
    let mut report = posture::report::read(&args.from)?;
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    if let Some(p) = &args.waivers {
        let now = parse_now(Some(&report.now))?;
        posture::waiver::WaiverFile::load(p)?.apply(&mut report, now);
    }
    write_output(
        args.out.output.as_deref(),
        &args.out.render(&report, &config)?,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn test_cmd(plugin: &Path, cases: &Path, cache_dir: Option<PathBuf>) -> Result<ExitCode> {
    let cases = posture::testkit::load_cases(cases)?;
    let source = PluginSource {
        plugins: Vec::new(),
        cache_dir,
        no_cache: false,
        lock: PathBuf::new(),
    };
    let rt = runtime(&source)?;
    let loaded = Arc::new(rt.load_file(plugin)?);
    let outcomes = posture::testkit::run_cases(&loaded, &cases)?;
    write_output(None, &posture::testkit::render(&outcomes))?;
    Ok(if outcomes.iter().all(|o| o.passed()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn diff_cmd(args: DiffArgs) -> Result<ExitCode> {
    let old = posture::report::read(&args.old)?;
    let new = posture::report::read(&args.new)?;
    let d = posture::diff::diff(&old, &new);
    let text = match args.format {
        DiffFormat::Text => d.to_text(),
        DiffFormat::Json => d.to_json(),
        DiffFormat::Markdown => d.to_markdown(),
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(ExitCode::from(d.exit_code(args.fail_on.0) as u8))
}

fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || total == 0 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("scanning {bar:30} {pos}/{len} plugins {msg}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                // A closed pipe (e.g. `| head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
    }
}

fn list_cmd(source: PluginSource, format: ListFormat) -> Result<ExitCode> {
    let rt = runtime(&source)?;
    let (plugins, refused) = load_plugins(&rt, &source, true)?;
    let infos: Vec<_> = plugins.iter().map(|p| &p.info).collect();
    let text = match format {
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&infos)?;
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let mut s = String::new();
            for p in &plugins {
                let i = &p.info;
                s.push_str(&format!(
                    "{} {} ({}), contract {}, {} check(s), sha256 {}\n  {}\n",
                    i.name,
                    i.version,
                    i.vendor,
                    i.contract_version,
                    i.checks.len(),
                    &p.digest[..12.min(p.digest.len())],
                    p.path.display()
                ));
                for c in &i.checks {
                    let controls: Vec<String> = c
                        .controls
                        .iter()
                        .map(|k| format!("{}:{}", k.framework, k.id))
                        .collect();
                    let reads: Vec<&str> = c.reads.iter().map(|k| k.as_str()).collect();
                    s.push_str(&format!(
                        "  - {:<28} {:<8} {:<10} {}\n      controls: {}\n      reads: {}\n",
                        c.id,
                        c.default_severity,
                        c.domain,
                        c.title,
                        controls.join(", "),
                        reads.join(", ")
                    ));
                    for p in &c.params {
                        s.push_str(&format!(
                            "      param {} = {} ({})\n",
                            p.name, p.default, p.description
                        ));
                    }
                }
            }
            s
        }
    };
    write_output(None, &text)?;
    if refused.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(3))
    }
}

fn lock_cmd(source: PluginSource) -> Result<ExitCode> {
    let rt = runtime(&source)?;
    let (plugins, refused) = load_plugins(&rt, &source, false)?;
    if let Some(bad) = refused.first().and_then(|r| r.error.as_ref()) {
        bail!("not locking: a plugin cannot be loaded: {}", bad.message);
    }
    let lock = LockFile {
        plugins: plugins
            .iter()
            .map(|p| LockEntry {
                file: p
                    .path
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                name: p.info.name.clone(),
                version: p.info.version.clone(),
                sha256: p.digest.clone(),
            })
            .collect(),
    };
    lock.save(&source.lock)?;
    eprintln!(
        "locked {} plugin(s) in {}",
        lock.plugins.len(),
        source.lock.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn build_cmd(
    dirs: Vec<PathBuf>,
    out_dir: PathBuf,
    target_dir: Option<PathBuf>,
) -> Result<ExitCode> {
    for dir in dirs {
        let out = posture::build::build_plugin(&posture::build::BuildOptions {
            crate_dir: dir.clone(),
            out_dir: out_dir.clone(),
            target_dir: target_dir.clone(),
            quiet: false,
        })?;
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        eprintln!("built {} ({} KiB)", out.display(), size / 1024);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_follows_the_terminal_no_color_and_the_flag() {
        assert!(use_color(ColorChoice::Auto, true, None));
        assert!(!use_color(ColorChoice::Auto, false, None));
        assert!(!use_color(ColorChoice::Auto, true, Some(OsStr::new("1"))));
        assert!(use_color(ColorChoice::Auto, true, Some(OsStr::new(""))));
        assert!(use_color(ColorChoice::Always, false, Some(OsStr::new("1"))));
        assert!(!use_color(ColorChoice::Never, true, None));
    }
}
