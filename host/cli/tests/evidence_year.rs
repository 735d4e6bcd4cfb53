//! The evidence commands over the planted-event year (`posture_bench::year`): fifty scans of
//! the five first-party plugins recorded by the real `posture` binary in SQLite and in the
//! throwaway PostgreSQL cluster, then every planted event is found where an auditor would
//! look: the control timeline, the time-to-remediate table, the privilege trend, the
//! evidence gaps, the evidence pack's page read back in headless Chromium, and its OSCAL
//! files loaded and validated by compliance-trestle (`make test` installs it).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture_bench::year;
use posture_e2e::pg::Pg;
use posture_e2e::{chromium, first_party_plugins, plugin_dir, posture_cli, root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Env {
    plugins: tempfile::TempDir,
    tmp: tempfile::TempDir,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl Env {
    fn new() -> Env {
        Env {
            plugins: plugin_dir(&first_party_plugins()),
            tmp: tempfile::tempdir().expect("tmp"),
        }
    }

    fn posture(&self, history: &str, args: &[&str]) -> Output {
        posture_cli(
            env!("CARGO_BIN_EXE_posture"),
            self.plugins.path(),
            self.tmp.path(),
            history,
        )
        .args(args)
        .output()
        .expect("run posture")
    }

    /// `posture ARGS` must succeed; its standard output.
    fn ok(&self, history: &str, args: &[&str]) -> String {
        let out = self.posture(history, args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "posture {args:?}: {}",
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    fn json(&self, history: &str, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(history, &all)).expect("JSON")
    }

    /// Records the whole year.
    fn record_year(&self, history: &str) {
        for day in year::run_days() {
            let snap = self.tmp.path().join(format!("day-{day:03}.json"));
            std::fs::write(
                &snap,
                serde_json::to_vec(&year::snapshot(day)).expect("json"),
            )
            .expect("write snapshot");
            let now = posture::report::rfc3339(year::now_of(day));
            let snap = snap.to_string_lossy().into_owned();
            self.ok(
                history,
                &[
                    "scan",
                    "--snapshot",
                    &snap,
                    "--now",
                    &now,
                    "--record",
                    "--fail-on",
                    "none",
                    "--format",
                    "json",
                ],
            );
        }
    }
}

fn day(d: u32) -> String {
    posture::report::rfc3339(year::now_of(d))
}

fn control<'a>(timeline: &'a Value, id: &str) -> &'a Value {
    timeline["controls"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("{id} not in the timeline"))
}

fn interval<'a>(doc: &'a Value, check: &str, id: &str) -> &'a Value {
    doc["intervals"]
        .as_array()
        .and_then(|i| {
            i.iter()
                .find(|i| i["check_id"] == check && i["resource_id"] == id)
        })
        .unwrap_or_else(|| panic!("no interval of {check} on {id}"))
}

/// Every planted event, where the evidence commands show it.
fn assert_planted_events(env: &Env, history: &str) {
    let runs = year::run_days().len();
    let timeline = env.json(history, &["evidence", "timeline", "--cadence", "weekly"]);
    assert_eq!(timeline["runs_in_period"], runs);
    // CC6.1: the administrator without MFA, then the public bucket: two failing intervals
    let cc61 = control(&timeline, "CC6.1");
    let failing = cc61["failing"].as_array().expect("failing");
    assert_eq!(failing.len(), 2, "{cc61}");
    let (mfa_from, mfa_fixed) = year::ADMIN_WITHOUT_MFA_DAYS;
    assert_eq!(failing[0]["from"], day(mfa_from));
    assert_eq!(failing[0]["ended"], day(mfa_fixed));
    assert_eq!(failing[0]["resources"][0]["id"], year::ADMIN_WITHOUT_MFA);
    let (public_from, public_fixed) = year::PUBLIC_BUCKET_DAYS;
    assert_eq!(failing[1]["from"], day(public_from));
    assert_eq!(failing[1]["ended"], day(public_fixed));
    assert!(
        failing[1]["resources"]
            .to_string()
            .contains(year::PUBLIC_BUCKET)
    );
    // time-weighted: 15 + 50 days failing; the 63-day gap leaves 56 unevidenced days
    assert_eq!(cc61["days"]["failing"], 65.0);
    assert_eq!(cc61["days"]["unevidenced"], 56.0);
    let share = cc61["share_passing"].as_f64().expect("share");
    assert!(
        (share - (365.0 - 65.0 - 56.0) / 365.0).abs() < 0.01,
        "{share}"
    );
    // CC6.2: the departed employee, still failing at the end
    let cc62 = control(&timeline, "CC6.2");
    let open = &cc62["failing"][0];
    assert_eq!(open["from"], day(year::DEPARTED_DAY));
    assert_eq!(open["ended"], Value::Null);
    assert_eq!(cc62["runs"].as_array().map(Vec::len), Some(runs));
    // controls no check covers stay listed, never passing
    let cc11 = control(&timeline, "CC1.1");
    assert_eq!(cc11["covered"], false);
    assert_eq!(cc11["share_passing"], 0.0);

    let text_timeline = env.ok(history, &["evidence", "timeline", "--cadence", "weekly"]);
    assert!(text_timeline.contains("NOT COVERED BY AUTOMATED CHECKS"));
    assert!(text_timeline.contains(year::ADMIN_WITHOUT_MFA));
    let csv = env.ok(
        history,
        &[
            "evidence",
            "timeline",
            "--format",
            "csv",
            "--framework",
            "iso27001",
        ],
    );
    assert!(csv.starts_with("framework,control,"), "{csv}");

    let ttr = env.json(history, &["evidence", "remediation"]);
    let mfa = interval(&ttr, "iam.admin-mfa", year::ADMIN_WITHOUT_MFA);
    assert_eq!(mfa["outcome"], "fixed-on-time");
    assert_eq!(mfa["days_to_remediate"], 15.0);
    let bucket = interval(&ttr, "sharing.public-storage", year::PUBLIC_BUCKET);
    assert_eq!(bucket["outcome"], "fixed-late");
    assert_eq!(bucket["days_to_remediate"], 50.0);
    let departed = interval(&ttr, "iam.departed-accounts", year::DEPARTED);
    assert_eq!(departed["outcome"], "open-overdue");
    assert_eq!(departed["fixed_at"], Value::Null);

    let trend = env.json(history, &["evidence", "privileges"]);
    let rising = trend["rising"].as_array().expect("rising");
    assert_eq!(rising.len(), 1, "{trend}");
    assert_eq!(rising[0]["first"], 3, "root, alice and bob");
    assert_eq!(rising[0]["last"], 7, "and mallory and one per quarter");
    for (_, id) in year::NEW_ADMINS {
        assert!(
            trend["changes"]
                .as_array()
                .expect("changes")
                .iter()
                .any(|c| c["id"] == id && c["change"] == "added"),
            "{id} added"
        );
    }

    let gaps = env.json(history, &["evidence", "gaps", "--cadence", "weekly"]);
    let list = gaps["gaps"][format!("aws:{}", year::ACCOUNT)]
        .as_array()
        .expect("the account's gaps");
    assert_eq!(list.len(), 1, "{gaps}");
    assert_eq!(list[0]["days"], 63);
    assert_eq!(list[0]["from"], day(year::GAP_DAYS.0 - 1));
}

/// Runs `program` with `args` in `dir`; its output, which must say it succeeded.
fn run(program: &Path, args: &[&str], dir: &Path) -> String {
    assert!(
        program.exists(),
        "{} is missing: run `bash tests/oscal/install-trestle.sh target/trestle` (make test does)",
        program.display()
    );
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run");
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "{} {args:?}: {all}",
        program.display()
    );
    all
}

fn trestle() -> PathBuf {
    root().join("target/trestle/bin")
}

/// The OSCAL files pass compliance-trestle: loaded into its models (strict pydantic
/// classes, unknown fields refused), imported into a trestle workspace and validated there
/// by every registered validator (UUID uniqueness, references, …).
fn assert_oscal_valid(pack: &Path) {
    let work = tempfile::tempdir().expect("tmp");
    let bin = trestle();
    let script = r#"
import pathlib, sys
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones
ar = AssessmentResults.oscal_read(pathlib.Path(sys.argv[1]))
poam = PlanOfActionAndMilestones.oscal_read(pathlib.Path(sys.argv[2]))
states = [getattr(f.target.status.state, "value", f.target.status.state) for r in ar.results for f in (r.findings or []) if f.target.status]
print(len(ar.results), len(poam.poam_items), states.count("satisfied"), states.count("not-satisfied"))
"#;
    let counts = run(
        &bin.join("python"),
        &[
            "-c",
            script,
            &pack.join("assessment-results.json").to_string_lossy(),
            &pack.join("poam.json").to_string_lossy(),
        ],
        work.path(),
    );
    let counts: Vec<usize> = counts
        .split_whitespace()
        .map(|n| n.parse().expect("a count"))
        .collect();
    assert_eq!(counts[0], year::run_days().len(), "a result per run");
    // One problem, one finding: iam.departed-accounts, not iam.stale-accounts besides.
    assert_eq!(counts[1], 1, "the departed employee's open failure");
    assert!(counts[2] > 0 && counts[3] > 0, "{counts:?}");
    let trestle = bin.join("trestle");
    run(&trestle, &["init"], work.path());
    for (file, name) in [
        ("assessment-results.json", "year"),
        ("poam.json", "year-poam"),
    ] {
        run(
            &trestle,
            &[
                "import",
                "-f",
                &pack.join(file).to_string_lossy(),
                "-o",
                name,
            ],
            work.path(),
        );
    }
    let out = run(&trestle, &["validate", "-a"], work.path());
    assert_eq!(out.matches("VALID: Model").count(), 2, "{out}");
}

/// A pack with no run in its period: still valid OSCAL, saying so; what was open before it
/// stays in the plan.
fn assert_oscal_valid_empty(pack: &Path) {
    let ar: Value =
        serde_json::from_slice(&std::fs::read(pack.join("assessment-results.json")).expect("ar"))
            .expect("json");
    assert_eq!(
        ar["assessment-results"]["results"][0]["title"],
        "No recorded run in the period"
    );
    let poam: Value = serde_json::from_slice(&std::fs::read(pack.join("poam.json")).expect("poam"))
        .expect("json");
    // what was failing at the last run before the period is still open as far as anyone
    // can tell: the plan keeps it
    let items = poam["plan-of-action-and-milestones"]["poam-items"].to_string();
    assert!(items.contains(year::DEPARTED), "{items}");
}

/// The pack's page in headless Chromium: the planted events are in the DOM it built.
fn assert_page_shows_the_year(pack: &Path) {
    let page = pack.join("index.html");
    let profile = tempfile::tempdir().expect("tmp");
    let out = chromium(&profile.path().join("dom"), &["--dump-dom"], &page);
    let dom = text(&out.stdout);
    assert!(
        out.status.success() && dom.contains("</html>"),
        "chromium failed: {}",
        text(&out.stderr)
    );
    assert!(dom.contains("data-control=\"CC6.1\" data-share-passing="));
    assert!(
        dom.contains("data-failing-intervals=\"2\""),
        "CC6.1's two intervals"
    );
    assert!(dom.contains("data-days=\"63\""), "the gap");
    assert!(dom.contains("data-rising=\"1\""), "privileges rising");
    assert!(dom.contains("data-outcome=\"fixed-on-time\""));
    assert!(dom.contains("data-outcome=\"fixed-late\""));
    assert!(dom.contains("data-outcome=\"open-overdue\""));
    assert!(dom.contains("data-uncovered=\"CC1.1\""));
    assert!(!dom.contains("<script"), "no script");
    let shot = profile.path().join("shot.png");
    let out = chromium(
        &profile.path().join("shot"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1300,2400",
        ],
        &page,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{}",
        png.len()
    );
}

/// The pack's receipts and digests check with the scripts VERIFY.md gives.
fn assert_verifiable(pack: &Path) {
    let verify = std::fs::read_to_string(pack.join("VERIFY.md")).expect("VERIFY.md");
    let blocks: Vec<&str> = verify
        .split("```python\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert_eq!(blocks.len(), 2, "{verify}");
    let python = Path::new("/usr/bin/python3");
    let chain = run(python, &["-c", blocks[0], "receipts/receipts.jsonl"], pack);
    assert!(
        chain.contains(&format!("ok: {} receipts", year::run_days().len())),
        "{chain}"
    );
    let digests = run(python, &["-c", blocks[1], "reports/last-run.json"], pack);
    let receipts = std::fs::read_to_string(pack.join("receipts/receipts.jsonl")).expect("receipts");
    let last: Value =
        serde_json::from_str(receipts.lines().last().expect("a receipt")).expect("json");
    for key in ["header_sha256", "findings_sha256"] {
        let digest = last[key].as_str().expect("digest");
        assert!(digests.contains(digest), "{key} {digest} not in {digests}");
    }
    // every file is listed in SHA256SUMS with its digest
    let sums = std::fs::read_to_string(pack.join("SHA256SUMS")).expect("sums");
    for line in sums.lines() {
        let (digest, name) = line.split_once("  ").expect("a sum line");
        let bytes = std::fs::read(pack.join(name)).expect("listed file");
        assert_eq!(digest, sha256(&bytes), "{name}");
    }
    assert!(sums.contains("  index.html\n") && sums.contains("  poam.json\n"));
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn the_planted_year_on_sqlite_and_postgres() {
    let env = Env::new();
    let sqlite = env
        .tmp
        .path()
        .join("history.db")
        .to_string_lossy()
        .into_owned();
    env.record_year(&sqlite);
    assert_planted_events(&env, &sqlite);
    let pg = Pg::new("evidence_year");
    env.record_year(&pg.url());
    assert_planted_events(&env, &pg.url());

    // the pack, from each store: the same history gives the same files
    let packs = env.tmp.path().join("packs");
    let lite = packs.join("sqlite");
    let post = packs.join("postgres");
    for (history, out) in [(&sqlite, &lite), (&pg.url(), &post)] {
        env.ok(
            history,
            &[
                "evidence",
                "export",
                "--cadence",
                "weekly",
                "-o",
                &out.to_string_lossy(),
            ],
        );
    }
    for file in [
        "assessment-results.json",
        "poam.json",
        "timeline.json",
        "findings-history.csv",
        "index.html",
    ] {
        assert_eq!(
            std::fs::read(lite.join(file)).expect("file"),
            std::fs::read(post.join(file)).expect("file"),
            "{file} differs between the two stores"
        );
    }
    assert_verifiable(&lite);
    assert_oscal_valid(&lite);
    assert_page_shows_the_year(&lite);

    // the OSCAL results: satisfied at the first run, not satisfied while Mallory had no MFA
    let ar: Value =
        serde_json::from_slice(&std::fs::read(lite.join("assessment-results.json")).expect("ar"))
            .expect("json");
    let state_at = |run: usize| {
        ar["assessment-results"]["results"][run]["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["target"]["target-id"] == "cc6.1_smt"))
            .map(|f| f["target"]["status"]["state"].clone())
    };
    let first_failing = year::run_days()
        .iter()
        .position(|d| *d == year::ADMIN_WITHOUT_MFA_DAYS.0)
        .expect("a run that day");
    assert_eq!(state_at(0), Some(Value::from("satisfied")));
    assert_eq!(state_at(first_failing), Some(Value::from("not-satisfied")));
    let poam: Value = serde_json::from_slice(&std::fs::read(lite.join("poam.json")).expect("poam"))
        .expect("json");
    let items = poam["plan-of-action-and-milestones"]["poam-items"].to_string();
    assert!(
        items.contains(year::DEPARTED) && items.contains("\"overdue\""),
        "{items}"
    );

    // a period after the last run: no run in it, said, never a crash
    let html = env.ok(
        &sqlite,
        &[
            "evidence",
            "timeline",
            "--from",
            "2028-01-01",
            "--format",
            "html",
        ],
    );
    assert!(html.contains("No recorded run in the period"), "{html}");
    let later = packs.join("later");
    env.ok(
        &sqlite,
        &[
            "evidence",
            "export",
            "--from",
            "2028-01-01",
            "-o",
            &later.to_string_lossy(),
        ],
    );
    assert_oscal_valid_empty(&later);

    // archives hold the same files; an existing output is refused
    for name in ["pack.zip", "pack.tar.gz"] {
        let out = packs.join(name);
        env.ok(
            &sqlite,
            &["evidence", "export", "-o", &out.to_string_lossy()],
        );
        let listing = if name.ends_with(".zip") {
            run(
                Path::new("/usr/bin/python3"),
                &["-m", "zipfile", "-l", &out.to_string_lossy()],
                &packs,
            )
        } else {
            run(
                Path::new("/usr/bin/tar"),
                &["tzf", &out.to_string_lossy()],
                &packs,
            )
        };
        for file in [
            "index.html",
            "assessment-results.json",
            "VERIFY.md",
            "receipts/receipts.jsonl",
        ] {
            assert!(listing.contains(file), "{name} lacks {file}: {listing}");
        }
        let again = env.posture(
            &sqlite,
            &["evidence", "export", "-o", &out.to_string_lossy()],
        );
        assert_ne!(again.status.code(), Some(0));
        assert!(
            text(&again.stderr).contains("exists"),
            "{}",
            text(&again.stderr)
        );
    }
}
