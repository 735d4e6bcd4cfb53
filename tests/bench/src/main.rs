//! `posture-bench`: generates synthetic snapshots at several scales and measures, in one run on
//! each, (a) posture with the five Wasm plugins, (b) the same checks natively, (c) Rego via
//! regorus; prints wall time, peak memory, the ratios and (a)'s phases. See BENCHMARKS.md.

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use posture_bench::arms::{self, Measurement};
use posture_bench::generate::{self, NOW, Scale};
use posture_bench::{history, rego};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Parser)]
#[command(about = "posture at scale: Wasm plugins vs native code vs Rego, in one run")]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    /// Principals per scale, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000usize, 10_000, 100_000])]
    scales: Vec<usize>,
    /// Shares per principal (100k principals × 10 = 1M shares).
    #[arg(long, default_value_t = 10)]
    shares_per_principal: usize,
    /// The five first-party components (`make plugins` builds them there).
    #[arg(long, default_value = "target/plugins")]
    plugins: PathBuf,
    /// Where snapshots and the compile cache go.
    #[arg(long, default_value = "target/bench")]
    work_dir: PathBuf,
    /// Repetitions per arm (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write one synthetic snapshot.
    Generate {
        /// Principals.
        #[arg(long)]
        principals: usize,
        /// Shares.
        #[arg(long)]
        shares: usize,
        /// Output file.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// A year of daily scans recorded in a fresh history store, measured against the run
    /// history's targets (store size, record time, verify, show).
    History {
        /// Days (daily runs) to record.
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// Principals of the synthetic company.
        #[arg(long, default_value_t = 10_000)]
        principals: usize,
        /// Shares per principal.
        #[arg(long, default_value_t = 10)]
        shares_per_principal: usize,
        /// Approximate percent of findings changed per day.
        #[arg(long, default_value_t = 1.0)]
        change_percent: f64,
        /// Record into this PostgreSQL database (a fresh schema, dropped afterwards) instead
        /// of an SQLite file in the work directory.
        #[arg(long)]
        postgres: Option<String>,
        /// Plugin components.
        #[arg(long, default_value = "target/plugins")]
        plugins: PathBuf,
        /// Compile cache and SQLite store.
        #[arg(long, default_value = "target/bench")]
        work_dir: PathBuf,
        /// Output: a short table, or one JSON object.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A release `posture` binary: time `evidence timeline` and `evidence export` over
        /// the recorded history too.
        #[arg(long)]
        posture: Option<PathBuf>,
    },
    /// Write the planted-event year (`posture_bench::year`): one snapshot per run day,
    /// `day-NNN.json`, and `runs.tsv` (day, the run's time, file) in the order to record them.
    Year {
        /// Output directory (created).
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Run one arm once and print its measurement as JSON (used by the parent run).
    Arm {
        /// Which arm.
        arm: Arm,
        /// Snapshot file.
        #[arg(long)]
        snapshot: PathBuf,
        /// Plugin components.
        #[arg(long, default_value = "target/plugins")]
        plugins: PathBuf,
        /// Compile cache.
        #[arg(long, default_value = "target/bench/cache")]
        cache: PathBuf,
        /// Plugins evaluated at once (wasm arm).
        #[arg(long, default_value_t = 1)]
        jobs: usize,
        /// Only the checks the Rego policy implements.
        #[arg(long)]
        rego_checks: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Arm {
    Wasm,
    Native,
    Rego,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Cmd::Generate {
            principals,
            shares,
            out,
        }) => write_snapshot(principals, shares, &out),
        Some(Cmd::Year { out }) => write_year(&out),
        Some(Cmd::Arm {
            arm,
            snapshot,
            plugins,
            cache,
            jobs,
            rego_checks,
        }) => {
            let only = rego_checks.then_some(&rego::CHECKS[..]);
            let m = match arm {
                Arm::Wasm => arms::wasm(&snapshot, &plugins, &cache, jobs, only, NOW)?,
                Arm::Native => arms::native(&snapshot, only, NOW)?,
                Arm::Rego => arms::rego(&snapshot, NOW)?,
            };
            println!("{}", serde_json::to_string(&m)?);
            Ok(())
        }
        Some(Cmd::History {
            days,
            principals,
            shares_per_principal,
            change_percent,
            postgres,
            plugins,
            work_dir,
            format,
            posture,
        }) => {
            let figures = history::run(&history::Options {
                days,
                principals,
                shares_per_principal,
                change_percent,
                postgres,
                plugins,
                work_dir,
                posture,
            })?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&figures)?),
                Format::Text => print!("{}", history::table(&figures)),
            }
            Ok(())
        }
        None => run_all(&cli),
    }
}

fn write_snapshot(principals: usize, shares: usize, out: &Path) -> anyhow::Result<()> {
    let value = generate::snapshot(Scale {
        principals,
        shares,
        seed: 42,
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::io::BufWriter::new(std::fs::File::create(out)?);
    serde_json::to_writer(file, &value)?;
    Ok(())
}

/// Runs this binary's `arm` subcommand in a child process; returns its measurement.
fn child(args: &[String]) -> anyhow::Result<Measurement> {
    let exe = std::env::current_exe()?;
    let out = Command::new(exe).arg("arm").args(args).output()?;
    if !out.status.success() {
        anyhow::bail!(
            "arm {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_slice(&out.stdout).context("arm output")
}

/// The median (by wall time) of `runs` child runs.
fn median(runs: usize, args: &[String]) -> anyhow::Result<Measurement> {
    let mut all = Vec::new();
    for _ in 0..runs.max(1) {
        all.push(child(args)?);
    }
    all.sort_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms));
    Ok(all.swap_remove(all.len() / 2))
}

fn run_all(cli: &Cli) -> anyhow::Result<()> {
    anyhow::ensure!(
        cli.plugins.is_dir(),
        "{} does not exist: run `make plugins` first (or pass --plugins)",
        cli.plugins.display()
    );
    let cache = cli.work_dir.join("cache");
    let start = arms::start(&cli.plugins, &cache)?;
    println!("plugin start from the compile cache (load + describe), ms:");
    for (name, ms) in &start {
        println!("  {name:<22} {ms:>6.2}");
    }
    println!();
    println!(
        "{:>9} {:>9} {:>8} | {:>14} {:>14} {:>7} | {:>8} {:>7} | {:>14} {:>14} {:>7} | {:>7}",
        "principal",
        "shares",
        "JSON MiB",
        "(a) ms / MiB",
        "(b) ms / MiB",
        "(a)/(b)",
        "jobs2 ms",
        "speedup",
        "(a5) ms / MiB",
        "(c) ms / MiB",
        "(c)/(a5)",
        "RSS/JSON"
    );
    let mut breakdowns = Vec::new();
    for &n in &cli.scales {
        let shares = n * cli.shares_per_principal;
        let file = cli.work_dir.join(format!("synthetic-{n}.json"));
        if !file.is_file() {
            write_snapshot(n, shares, &file)?;
        }
        let json_mib = std::fs::metadata(&file)?.len() as f64 / (1024.0 * 1024.0);
        let base = |arm: &str| -> Vec<String> {
            vec![
                arm.to_string(),
                "--snapshot".into(),
                file.display().to_string(),
                "--plugins".into(),
                cli.plugins.display().to_string(),
                "--cache".into(),
                cache.display().to_string(),
            ]
        };
        let with = |arm: &str, extra: &[&str]| -> Vec<String> {
            let mut v = base(arm);
            v.extend(extra.iter().map(|s| s.to_string()));
            v
        };
        let a = median(cli.runs, &with("wasm", &["--jobs", "1"]))?;
        let a2 = median(cli.runs, &with("wasm", &["--jobs", "2"]))?;
        let b = median(cli.runs, &base("native"))?;
        let a5 = median(cli.runs, &with("wasm", &["--jobs", "1", "--rego-checks"]))?;
        let c = median(cli.runs, &base("rego"))?;
        println!(
            "{:>9} {:>9} {:>8.1} | {:>7.0} / {:>5.0} {:>7.0} / {:>5.0} {:>7.2} | {:>8.0} {:>7.2} | {:>7.0} / {:>5.0} {:>7.0} / {:>5.0} {:>7.1} | {:>7.2}",
            n,
            shares,
            json_mib,
            a.wall_ms,
            a.peak_rss_mib,
            b.wall_ms,
            b.peak_rss_mib,
            a.wall_ms / b.wall_ms,
            a2.wall_ms,
            a.wall_ms / a2.wall_ms,
            a5.wall_ms,
            a5.peak_rss_mib,
            c.wall_ms,
            c.peak_rss_mib,
            c.wall_ms / a5.wall_ms,
            a.peak_rss_mib / json_mib
        );
        breakdowns.push((n, a, b, c));
    }
    println!();
    println!("phases, ms (parse | start: plugin load or native conversion | evaluate | render):");
    for (n, a, b, c) in &breakdowns {
        for (name, m) in [("(a) posture", a), ("(b) native", b), ("(c) rego", c)] {
            println!(
                "  {n:>7} {name:<12} {:>8.0} | {:>7.0} | {:>8.0} | {:>6.0}   findings {}",
                m.parse_ms, m.start_ms, m.eval_ms, m.render_ms, m.findings
            );
        }
        let w = &a.wasm;
        println!(
            "  {n:>7} (a) evaluate = instantiate {:.0} + host pages {:.0} + lowering/guest/lifting {:.0} + convert {:.0} + aggregate {:.0}",
            w.instantiate_ms, w.pages_ms, w.guest_ms, w.convert_ms, w.aggregate_ms
        );
    }
    Ok(())
}

fn write_year(out: &Path) -> anyhow::Result<()> {
    use posture_bench::year;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut runs = String::new();
    for day in year::run_days() {
        let name = format!("day-{day:03}.json");
        let path = out.join(&name);
        std::fs::write(&path, serde_json::to_vec_pretty(&year::snapshot(day))?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let now = posture::report::rfc3339(year::now_of(day));
        runs.push_str(&format!("{day}\t{now}\t{name}\n"));
    }
    std::fs::write(out.join("runs.tsv"), runs)?;
    eprintln!(
        "wrote {} snapshots of the planted-event year to {}",
        year::run_days().len(),
        out.display()
    );
    Ok(())
}
