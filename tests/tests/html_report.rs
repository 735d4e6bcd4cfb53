//! The HTML report over the real first-party components on the example snapshot: a golden
//! file, and a real browser: headless Chromium (Debian's `chromium`) loads the page with the
//! network off, and the DOM it built must show the report's counts and charts; a screenshot
//! must have real content.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::report::{Format, Report, render};
use posture_e2e::{chromium, example_snapshot, first_party_plugins, plugin_dir, root, scan_with};
use std::sync::OnceLock;

fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let dir = plugin_dir(&first_party_plugins());
        let mut r = scan_with(dir.path(), &example_snapshot(), &Config::default(), 2);
        r.snapshot.origin = "examples/snapshots/acme.json".into();
        for p in &mut r.plugins {
            p.digest = "<sha256>".into();
        }
        r
    })
}

/// The value of `attr` on the element with `id`, from serialised DOM.
fn data_count(dom: &str, id: &str) -> usize {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} not in the DOM"));
    let rest = &dom[at..];
    let start = rest.find("data-count=\"").expect("data-count") + "data-count=\"".len();
    let end = rest[start..].find('"').expect("closing quote");
    rest[start..start + end].parse().expect("a number")
}

#[test]
fn html_matches_the_golden_file() {
    let html = render(report(), Format::Html);
    let path = root().join("tests/expected/acme.html");
    if std::env::var_os("POSTURE_BLESS").is_some() {
        std::fs::write(&path, &html).expect("write golden");
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (POSTURE_BLESS=1 writes it)",
            path.display()
        )
    });
    assert!(
        want == html,
        "{} differs from the rendering (review, then POSTURE_BLESS=1 to regenerate)",
        path.display()
    );
}

#[test]
fn chromium_renders_the_expected_counts_and_charts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let page = tmp.path().join("report.html");
    std::fs::write(&page, render(report(), Format::Html)).expect("write page");

    let out = chromium(&tmp.path().join("p1"), &["--dump-dom"], &page);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && dom.contains("</html>"),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = &report().summary.total;
    assert_eq!(data_count(&dom, "count-fail"), t.fail);
    assert_eq!(data_count(&dom, "count-pass"), t.pass);
    assert_eq!(data_count(&dom, "count-not-evaluable"), t.not_evaluable);
    assert_eq!(data_count(&dom, "count-error"), t.error);
    // One bar per domain, carrying that domain's counts; the control charts per framework.
    for (domain, c) in &report().summary.by_domain {
        let bar = format!(
            "data-label=\"{domain}\" data-fail=\"{}\" data-pass=\"{}\"",
            c.fail, c.pass
        );
        assert!(dom.contains(&bar), "no bar {bar}");
    }
    assert!(dom.contains("id=\"chart-severity\""));
    assert!(dom.contains("id=\"chart-controls-soc2\""));
    assert!(dom.contains("id=\"chart-controls-iso27001\""));
    let rows = dom.matches("data-status=\"fail\"").count();
    assert_eq!(rows, t.fail, "a table row per failing finding");

    let shot = tmp.path().join("shot.png");
    let out = chromium(
        &tmp.path().join("p2"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
        &page,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        png.len() > 10_000,
        "screenshot has content: {} bytes",
        png.len()
    );
}
