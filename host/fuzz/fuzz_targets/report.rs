//! Saved reports (`report --from`, `diff`): arbitrary bytes never panic; an accepted report
//! renders in every format and diffs against itself with nothing new or fixed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::report::{Format, render};

fuzz_target!(|data: &[u8]| {
    let Ok(report) = posture::report::from_slice(data, std::path::Path::new("fuzz.json")) else {
        return;
    };
    for format in [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Csv,
        Format::Markdown,
        Format::Ocsf,
        Format::Html,
        Format::Actions,
        Format::ActionsCsv,
    ] {
        let _ = render(&report, format);
    }
    for framework in [
        posture::report::compliance::Framework::Soc2,
        posture::report::compliance::Framework::Iso27001,
    ] {
        let catalog = posture::report::compliance::catalog(framework).expect("catalogue");
        let _ = posture::report::compliance::rollup(&report, &catalog).to_text();
    }
    let d = posture::report::diff::diff(&report, &report);
    assert!(
        d.new_failures.is_empty() && d.fixed.is_empty(),
        "a report differs from itself"
    );
});
