//! Every flag of the `posture` command line, defined once (clap derive): help text and
//! parsing come from here; the commands in [`crate::commands`] only read these values.

use clap::{Args, Parser, Subcommand, ValueEnum};
use posture::model::Severity;
use posture::report::Format;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "posture",
    version,
    about = "Scan cloud and SaaS configuration snapshots with sandboxed WebAssembly check plugins."
)]
pub(crate) struct Cli {
    /// More logging on stderr (-v: info, -vv: debug). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub(crate) verbose: u8,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Scan a snapshot with the installed plugins.
    Scan(Box<ScanArgs>),
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
    /// The run history: recorded scans with tamper-evident receipts.
    #[command(subcommand)]
    History(HistoryCommand),
    /// Evidence over an audit period, from the run history.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Make an Ed25519 key pair for signing receipts: PREFIX.key (private, mode 0600) and
    /// PREFIX.pub.
    Keygen {
        /// Path prefix of the two files.
        #[arg(long, value_name = "PREFIX", default_value = "posture-signing")]
        out: PathBuf,
    },
}

/// Where the run history is: a SQLite file or a PostgreSQL URL.
#[derive(Args, Clone)]
pub(crate) struct HistoryArgs {
    /// The history store: a SQLite file, or `postgres://…` [default: posture-history.db
    /// beside --config, else in the current directory].
    #[arg(long = "history", value_name = "PATH|URL", env = "POSTURE_HISTORY")]
    pub(crate) location: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum HistoryCommand {
    /// Recorded runs: date, accounts, counts, receipt digest.
    List {
        #[command(flatten)]
        history: HistoryArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// A recorded run's report, re-rendered (JSON: byte-identical to what the scan printed).
    Show {
        /// The run: its id (r-000042), sequence number, `latest` or `latest~N`.
        #[arg(value_name = "RUN")]
        run: String,
        #[command(flatten)]
        history: HistoryArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// What changed between two recorded runs (as `posture diff`).
    Diff {
        /// The older run.
        #[arg(value_name = "OLD")]
        old: String,
        /// The newer run.
        #[arg(value_name = "NEW")]
        new: String,
        #[command(flatten)]
        history: HistoryArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
    },
    /// Findings over the history, with first and last seen.
    Findings {
        #[command(flatten)]
        history: HistoryArgs,
        /// Only sightings with this status (fail, pass, not-evaluable, error).
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// Only findings present in the newest run.
        #[arg(long)]
        open: bool,
        /// Only this check.
        #[arg(long, value_name = "CHECK")]
        check: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Re-derive every digest and the receipt chain; name the first run that differs.
    Verify {
        #[command(flatten)]
        history: HistoryArgs,
        /// Public key (PEM) whose signatures to check; repeatable.
        #[arg(long = "key", value_name = "PUB")]
        keys: Vec<PathBuf>,
    },
    /// Write every receipt as JSON Lines (and the signed envelopes) for offline checking.
    ExportReceipts {
        #[command(flatten)]
        history: HistoryArgs,
        /// Where to write the receipts [default: standard output].
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also write the DSSE envelopes of signed runs, as JSON Lines, to FILE.
        #[arg(long, value_name = "FILE")]
        envelopes: Option<PathBuf>,
    },
    /// Record saved JSON reports (from `scan --format json`), oldest first.
    Import {
        /// The reports.
        #[arg(value_name = "REPORT", required = true)]
        reports: Vec<PathBuf>,
        #[command(flatten)]
        history: HistoryArgs,
        /// Accept a report older than the newest recorded run (its receipt says so).
        #[arg(long)]
        allow_backfill: bool,
        /// Sign the receipts with this private key (PEM).
        #[arg(long, value_name = "FILE")]
        sign_key: Option<PathBuf>,
    },
}

/// The history and the audit period an evidence command reads.
#[derive(Args, Clone)]
pub(crate) struct PeriodArgs {
    #[command(flatten)]
    pub(crate) history: HistoryArgs,
    /// Start of the period: a date (2026-01-01) or an RFC 3339 time [default: the first run].
    #[arg(long, value_name = "DATE")]
    pub(crate) from: Option<String>,
    /// End of the period, where open findings are judged [default: the last run].
    #[arg(long, value_name = "DATE")]
    pub(crate) to: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum EvidenceCommand {
    /// Time to remediate: every failing interval of a check on a resource that overlaps the
    /// period, when it was fixed, and whether within the action plan's deadline; summaries
    /// by severity, owner and domain (docs/evidence.md).
    Remediation {
        #[command(flatten)]
        period: PeriodArgs,
        /// Configuration whose `[actions]` give the deadlines (days per severity) and owners.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Evidence gaps: per account, every stretch of the period longer than the promised
    /// cadence without a recorded run (a period with no run at all is one gap).
    Gaps {
        #[command(flatten)]
        period: PeriodArgs,
        /// Configuration whose `[evidence] cadence` is the promise.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// The promised cadence, over the configuration's: daily, weekly, monthly, quarterly
        /// or a number of days [default: quarterly].
        #[arg(long, value_name = "CADENCE")]
        cadence: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Privilege trend: administrators and administrative grants per account at each run,
    /// every addition and removal, and the accounts with more administrators at the end of
    /// the period than at its start.
    Privileges {
        #[command(flatten)]
        period: PeriodArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Control timeline: every control of the framework over the period, its state at each
    /// run, the share of the period it was passing (time-weighted), its failing intervals,
    /// the waivers in force and the time no run evidenced it.
    Timeline {
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        promise: PromiseArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TimelineFormat,
    },
    /// The evidence pack: a directory (or a .zip / .tar.gz archive when the name says so)
    /// with index.html, the timeline and findings history as CSV and JSON, the chain of
    /// receipts of every recorded run, the period's first and last reports, and OSCAL
    /// assessment results and plan of action and milestones (docs/evidence.md).
    Export {
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        promise: PromiseArgs,
        /// Where to write the pack: a new directory, or a file ending in .zip or .tar.gz.
        #[arg(short = 'o', long, value_name = "PATH")]
        out: PathBuf,
    },
}

/// What the company promised: the framework, and the configuration's cadence and action plan.
#[derive(Args)]
pub(crate) struct PromiseArgs {
    /// The framework whose controls are followed.
    #[arg(long, value_enum, default_value = "soc2")]
    pub(crate) framework: posture::report::compliance::Framework,
    /// Configuration whose `[evidence] cadence` is the promise and whose `[actions]` give the
    /// deadlines and owners.
    #[arg(long, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// The promised cadence, over the configuration's: daily, weekly, monthly, quarterly or a
    /// number of days [default: quarterly].
    #[arg(long, value_name = "CADENCE")]
    pub(crate) cadence: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum TimelineFormat {
    Text,
    Json,
    Csv,
    Markdown,
    Html,
}

#[derive(Args)]
pub(crate) struct ImportArgs {
    /// What the export is: `aws` (a directory written by examples/collect/aws.sh),
    /// `scubagear` (ProviderSettingsExport.json or ScubaResults*.json of ScubaGear, Microsoft
    /// 365), `scubagoggles` (the provider export or ScubaResults*.json of ScubaGoggles, Google
    /// Workspace), `github` (a directory written by examples/collect/github.sh). Field by field
    /// in docs/import.md.
    #[arg(value_name = "SOURCE")]
    pub(crate) source: posture::import::Source,
    /// The export: a directory or a file, depending on SOURCE.
    #[arg(value_name = "PATH")]
    pub(crate) path: PathBuf,
    /// Where to write the snapshot [default: standard output].
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Capture time (RFC 3339) when the export does not record one, or to override it.
    #[arg(long, value_name = "TIME")]
    pub(crate) captured_at: Option<String>,
    /// Account id (tenant domain, customer id) when the export does not name its account.
    #[arg(long, value_name = "ID")]
    pub(crate) account: Option<String>,
}

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// The JSON report.
    #[arg(long, value_name = "FILE")]
    pub(crate) from: PathBuf,
    /// Configuration file (TOML); its `[actions]` section sets owners and SLAs.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Waivers file (TOML), applied at the report's evaluation time.
    #[arg(long, value_name = "FILE")]
    pub(crate) waivers: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
}

#[derive(Args)]
pub(crate) struct DiffArgs {
    /// The baseline report (JSON, from `scan --format json`).
    #[arg(value_name = "OLD")]
    pub(crate) old: PathBuf,
    /// The newer report.
    #[arg(value_name = "NEW")]
    pub(crate) new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: DiffFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Exit 1 if a new failure (not waived) has this severity or higher; `none` never exits 1.
    #[arg(long, value_name = "SEVERITY", default_value = "none", value_parser = parse_fail_on)]
    pub(crate) fail_on: FailOn,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// How results are shown; shared by `scan` and `report`.
#[derive(Args)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: Format,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Show the compliance roll-up for this framework instead of the findings (formats:
    /// text, json, markdown, csv).
    #[arg(long, value_enum, value_name = "FRAMEWORK")]
    pub(crate) framework: Option<posture::report::compliance::Framework>,
    /// Text format: print only the summary line and plugin failures.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Text format: print how to fix CHECK under its failing findings (repeatable; `all`).
    #[arg(long, value_name = "CHECK")]
    pub(crate) explain: Vec<String>,
    /// Colour in the text format.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: ColorChoice,
}

#[derive(Args)]
pub(crate) struct PluginSourceArgs {
    /// Directory of plugin components (*.wasm); repeatable.
    #[arg(
        long = "plugins",
        value_name = "DIR",
        env = "POSTURE_PLUGIN_DIR",
        default_value = "target/plugins"
    )]
    pub(crate) plugins: Vec<PathBuf>,
    /// Compile-cache directory [default: $POSTURE_CACHE_DIR, $XDG_CACHE_HOME/posture, ~/.cache/posture].
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Compile plugins without reading or writing the cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// Lock file pinning plugin digests; enforced when it exists (see `posture plugins lock`).
    #[arg(long, value_name = "FILE", env = "POSTURE_LOCK", default_value = posture::lock::DEFAULT_LOCK_FILE)]
    pub(crate) lock: PathBuf,
}

/// The trust policy for plugins from registries.
#[derive(Args, Clone)]
pub(crate) struct TrustArgs {
    /// Configuration file whose [trust] section lists the trusted keys (docs/distribution.md).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Accept a plugin that carries no signature at all (never one with a bad or untrusted
    /// signature).
    #[arg(long)]
    pub(crate) allow_unsigned: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

#[derive(Args)]
pub(crate) struct ScanArgs {
    /// The normalised snapshot (JSON) to scan, or with --from an export to import first.
    #[arg(long, value_name = "PATH")]
    pub(crate) snapshot: PathBuf,
    /// --snapshot is an export of this kind (as for `posture import`), imported in memory.
    #[arg(long, value_name = "SOURCE")]
    pub(crate) from: Option<posture::import::Source>,
    /// With --from: capture time (RFC 3339) when the export does not record one, or to
    /// override it.
    #[arg(long, value_name = "TIME", requires = "from")]
    pub(crate) captured_at: Option<String>,
    /// With --from: account id (tenant domain, customer id) when the export does not name
    /// its account.
    #[arg(long, value_name = "ID", requires = "from")]
    pub(crate) account: Option<String>,
    #[command(flatten)]
    pub(crate) source: PluginSourceArgs,
    /// Configuration file (TOML): check parameters, severities, limits.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) out: OutputArgs,
    /// Exit 1 if a failing finding has this severity or higher; `none` never exits 1.
    #[arg(long, value_name = "SEVERITY", default_value = "info", value_parser = parse_fail_on)]
    pub(crate) fail_on: FailOn,
    /// Compare with this earlier JSON report: the text output ends with what changed.
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
    /// With --baseline: only failures that are new since the baseline count for --fail-on.
    #[arg(long, requires = "baseline")]
    pub(crate) fail_on_new: bool,
    /// The evaluation's "now" (RFC 3339); default: the current time. Fix it for reproducible reports.
    #[arg(long, value_name = "TIME")]
    pub(crate) now: Option<String>,
    /// Plugins evaluated at once [default: number of cores].
    #[arg(long, short, value_name = "N")]
    pub(crate) jobs: Option<usize>,
    /// Waivers file (TOML): accepted risks with owner, reason and expiry.
    #[arg(long, value_name = "FILE")]
    pub(crate) waivers: Option<PathBuf>,
    /// Refuse snapshot files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = posture::snapshot::DEFAULT_MAX_SNAPSHOT_BYTES >> 20)]
    pub(crate) max_snapshot_mib: u64,
    /// Record the run in the history store (see --history) and print where.
    #[arg(long)]
    pub(crate) record: bool,
    #[command(flatten)]
    pub(crate) history: HistoryArgs,
    /// With --record: sign the run's receipt with this Ed25519 private key (PEM, from
    /// `posture keygen`).
    #[arg(long, value_name = "FILE", requires = "record")]
    pub(crate) sign_key: Option<PathBuf>,
}

#[derive(Clone, Copy)]
pub(crate) struct FailOn(pub(crate) Option<Severity>);

pub(crate) fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(FailOn(None));
    }
    s.parse::<Severity>().map(|v| FailOn(Some(v)))
}

#[derive(Subcommand)]
pub(crate) enum PluginsCommand {
    /// List installed plugins and their checks.
    List {
        #[command(flatten)]
        source: PluginSourceArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Pin the sha256 of every installed plugin in the lock file (after reviewing them).
    Lock {
        #[command(flatten)]
        source: PluginSourceArgs,
    },
    /// Push a plugin component to an OCI registry (CNCF Wasm artifact layout), annotated with
    /// its own metadata; with --sign-key, sign its manifest digest (docs/distribution.md).
    Publish {
        /// The component.
        #[arg(value_name = "PLUGIN.wasm")]
        component: PathBuf,
        /// Where to push it.
        #[arg(value_name = "REGISTRY/REPO:TAG")]
        reference: String,
        /// Ed25519 private key (PKCS#8 PEM, from `posture keygen`) to sign with.
        #[arg(long, value_name = "KEY")]
        sign_key: Option<PathBuf>,
        /// Replace what the tag names if it names another artifact (operators who installed
        /// it are then refused the new one until they remove it).
        #[arg(long)]
        force: bool,
    },
    /// Install a plugin from an OCI registry: its signature verified against the trust policy,
    /// loaded once to validate it, installed into the first --plugins directory and pinned in
    /// the lock file with its source and signer.
    Add {
        /// The plugin: REGISTRY/REPO:TAG or REGISTRY/REPO@sha256:….
        #[arg(value_name = "REFERENCE")]
        reference: String,
        #[command(flatten)]
        source: PluginSourceArgs,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Move plugins installed from a registry (all, or NAME) to the newest release tag of their
    /// repository, verified as `add` does; shows the checks added and removed, the version,
    /// the signer and the contract.
    Update {
        /// Only this plugin.
        #[arg(value_name = "NAME")]
        name: Option<String>,
        /// Show what would change; install nothing.
        #[arg(long)]
        dry_run: bool,
        /// Accept a newer version signed by another trusted key than the installed one (or
        /// unsigned, with --allow-unsigned).
        #[arg(long)]
        allow_signer_change: bool,
        #[command(flatten)]
        source: PluginSourceArgs,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Create a new plugin with one check, one test and one case for `posture test`.
    New {
        /// Plugin name (kebab-case); also the directory created unless --dir is given.
        #[arg(value_name = "NAME")]
        name: String,
        /// Language.
        #[arg(long, value_enum, default_value = "rust")]
        lang: posture_author::scaffold::Lang,
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
