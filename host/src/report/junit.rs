//! JUnit XML rendering (quick-junit) for CI systems: one test suite per check, one test case
//! per resource; failing findings are failures, errors are errors, not-evaluable findings are
//! skipped (with the reason), passes succeed.

use super::model::Report;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, ResourceRef, Severity};
    use crate::report::build::test_support::report_of;
    use crate::report::model::PluginError;

    fn finding(id: &str, status: Status, message: &str) -> Finding {
        Finding {
            check_id: "iam.admin-mfa".into(),
            plugin: "p".into(),
            domain: "iam".into(),
            status,
            severity: Severity::High,
            resource: ResourceRef {
                kind: "principal".into(),
                id: id.into(),
                display_name: None,
                account: Some("111".into()),
                tags: Default::default(),
            },
            message: message.into(),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    /// A report of one finding per status; its check listed (`report_of` lists none).
    fn report() -> Report {
        let mut r = report_of(vec![
            finding("u1", Status::Pass, "has MFA"),
            finding("u2", Status::Fail, "no MFA"),
            finding("u3", Status::NotEvaluable, "MFA not collected"),
            finding("u4", Status::Error, "bad data"),
        ]);
        r.checks.push(crate::report::build::test_support::check_ran(
            "iam.admin-mfa",
        ));
        r
    }

    /// The XML of the test case for resource `id` (up to the next case).
    fn case<'a>(xml: &'a str, id: &str) -> &'a str {
        let name = format!("name=\"principal {id} [111]\"");
        xml.split("<testcase ")
            .find(|c| c.starts_with(&name))
            .expect("case")
    }

    #[test]
    fn one_case_per_finding_failures_errors_and_skips() {
        let xml = render(&report());
        assert!(
            xml.contains(r#"<testsuite name="iam.admin-mfa" tests="4""#),
            "{xml}"
        );
        assert!(!case(&xml, "u1").contains("<failure"), "{xml}");
        assert!(
            case(&xml, "u2").contains(r#"<failure message="no MFA" type="high""#),
            "{xml}"
        );
        assert!(
            case(&xml, "u3").contains(r#"<skipped message="MFA not collected""#),
            "{xml}"
        );
        assert!(
            case(&xml, "u4").contains(r#"<error message="bad data""#),
            "{xml}"
        );
    }

    #[test]
    fn a_failed_plugin_is_an_error_case_of_its_own() {
        let mut r = report();
        r.plugins[0].error = Some(PluginError {
            kind: crate::model::FailureKind::Deadline,
            message: "exceeded its deadline".into(),
        });
        let xml = render(&r);
        assert!(xml.contains(r#"<testsuite name="plugin p""#), "{xml}");
        assert!(
            xml.contains(r#"<error message="exceeded its deadline""#),
            "{xml}"
        );
    }
}
