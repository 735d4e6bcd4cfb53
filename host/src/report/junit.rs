//! JUnit XML rendering (quick-junit) for CI systems: one test suite per check, one test case
//! per resource; failing findings are failures, errors are errors, not-evaluable findings are
//! skipped (with the reason), passes succeed.

use super::Report;
use crate::model::Status;
use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};

/// Renders `report` as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut junit = JReport::new("posture");
    for check in &report.checks {
        let mut suite = TestSuite::new(check.id.clone());
        for f in report.findings.iter().filter(|f| f.check_id == check.id) {
            let r = &f.resource;
            let name = format!(
                "{} {} [{}]",
                r.kind,
                r.id,
                r.account.as_deref().unwrap_or("-")
            );
            let status = match f.status {
                Status::Pass => TestCaseStatus::success(),
                Status::Fail | Status::Error => {
                    let kind = if f.status == Status::Fail {
                        NonSuccessKind::Failure
                    } else {
                        NonSuccessKind::Error
                    };
                    let mut s = TestCaseStatus::non_success(kind);
                    if let TestCaseStatus::NonSuccess {
                        message,
                        ty,
                        description,
                        ..
                    } = &mut s
                    {
                        *message = Some(f.message.clone().into());
                        *ty = Some(f.severity.as_str().into());
                        let evidence: Vec<String> = f
                            .evidence
                            .iter()
                            .map(|e| format!("{} = {} ({})", e.key, e.value, e.path))
                            .collect();
                        *description = Some(evidence.join("\n").into());
                    }
                    s
                }
                Status::NotEvaluable => {
                    let mut s = TestCaseStatus::skipped();
                    if let TestCaseStatus::Skipped { message, .. } = &mut s {
                        *message = Some(f.message.clone().into());
                    }
                    s
                }
            };
            let mut case = TestCase::new(name, status);
            case.set_classname(check.id.clone());
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    for p in report.plugins.iter().filter(|p| p.error.is_some()) {
        let mut suite = TestSuite::new(format!("plugin {}", p.name));
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
        if let (TestCaseStatus::NonSuccess { message, .. }, Some(e)) = (&mut s, &p.error) {
            *message = Some(e.message.clone().into());
        }
        suite.add_test_case(TestCase::new(format!("plugin {} ran", p.name), s));
        junit.add_test_suite(suite);
    }
    junit
        .to_string()
        .unwrap_or_else(|e| format!("<!-- error: {e} -->\n"))
}
