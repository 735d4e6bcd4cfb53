//! Waivers: accepted risks. A waiver names a check, a resource pattern (glob on the resource
//! id, optionally restricted to an account), a reason, an owner, a ticket and an expiry date.
//! An active waiver marks matching failing findings as waived (they stay in the report, with
//! the waiver, and no longer fail the scan); an expired waiver is not applied and is reported;
//! a waiver that matches no failing finding is reported as unused.
//!
//! ```toml
//! [[waiver]]
//! check = "sharing.link-shares"
//! resource = "share-2"            # glob: * and ? allowed
//! account = "acme-analytics.onmicrosoft.com"   # optional
//! reason = "Auditor workspace, shared for the SOC 2 fieldwork"
//! owner = "anna.weber@acme-analytics.example"
//! ticket = "SEC-142"
//! expires = "2027-01-31"
//! ```

use super::model::Report;
pub use super::model::WaiverSummary;
use crate::model::{Status, Waiver};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The waivers file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverFile {
    /// The waivers, in file order.
    #[serde(default, rename = "waiver")]
    pub waivers: Vec<Waiver>,
    /// sha256 of the file it was read from (hex), when read from a file.
    #[serde(skip)]
    pub sha256: Option<String>,
}

/// Errors reading a waivers file.
#[derive(Debug, thiserror::Error)]
pub enum WaiverError {
    /// The file could not be read.
    #[error("{path}: cannot read waivers")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is invalid; the message names the waiver and field.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// End of the expiry day, Unix seconds (the waiver applies through that whole day, UTC).
fn expiry_end(expires: &str) -> Option<i64> {
    let date = chrono::NaiveDate::parse_from_str(expires, "%Y-%m-%d").ok()?;
    let next = date.succ_opt()?.and_hms_opt(0, 0, 0)?;
    Some(next.and_utc().timestamp() - 1)
}

impl WaiverFile {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<WaiverFile, WaiverError> {
        let text = crate::input::read_to_string(path).map_err(|source| WaiverError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut file = Self::parse(&text).map_err(|message| WaiverError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        file.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            text.as_bytes(),
        )));
        Ok(file)
    }

    /// Parses and validates TOML text.
    pub fn parse(text: &str) -> Result<WaiverFile, String> {
        let file: WaiverFile =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        for (i, w) in file.waivers.iter().enumerate() {
            let at = format!("waiver[{i}] ({})", w.check);
            if w.check.trim().is_empty() || w.resource.trim().is_empty() {
                return Err(format!("{at}: `check` and `resource` must not be empty"));
            }
            if w.reason.trim().is_empty() || w.owner.trim().is_empty() {
                return Err(format!(
                    "{at}: every waiver needs a `reason` and an `owner`"
                ));
            }
            if expiry_end(&w.expires).is_none() {
                return Err(format!(
                    "{at}: `expires` = \"{}\" is not a date like 2027-01-31",
                    w.expires
                ));
            }
            glob::Pattern::new(&w.resource).map_err(|e| {
                format!(
                    "{at}: `resource` = \"{}\" is not a valid pattern: {e}",
                    w.resource
                )
            })?;
        }
        Ok(file)
    }

    /// Applies the waivers to `report` as of `now` (Unix seconds).
    pub fn apply(&self, report: &mut Report, now: i64) {
        // This file replaces whatever waivers the report was saved with.
        for f in report.findings.iter_mut() {
            f.waiver = None;
        }
        let mut summary = WaiverSummary::default();
        for w in &self.waivers {
            if expiry_end(&w.expires).is_none_or(|end| end < now) {
                tracing::warn!(
                    "waiver for {} on {} expired on {}; not applied",
                    w.check,
                    w.resource,
                    w.expires
                );
                summary.expired.push(w.clone());
                continue;
            }
            let Ok(pattern) = glob::Pattern::new(&w.resource) else {
                continue;
            };
            let mut used = false;
            for f in report.findings.iter_mut() {
                let account_ok = w
                    .account
                    .as_ref()
                    .is_none_or(|a| f.resource.account.as_ref() == Some(a));
                if f.status == Status::Fail
                    && f.waiver.is_none()
                    && f.check_id == w.check
                    && account_ok
                    && pattern.matches(&f.resource.id)
                {
                    f.waiver = Some(w.clone());
                    summary.applied += 1;
                    used = true;
                }
            }
            if !used {
                summary.unused.push(w.clone());
            }
        }
        report.summary.waived = summary.applied;
        report.waivers = summary;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{Finding, ResourceRef, Severity};

    fn finding(check: &str, id: &str, status: Status) -> Finding {
        Finding {
            check_id: check.into(),
            plugin: "p".into(),
            domain: "d".into(),
            status,
            severity: Severity::Critical,
            resource: ResourceRef {
                kind: "k".into(),
                id: id.into(),
                display_name: None,
                account: Some("a1".into()),
                tags: Default::default(),
            },
            message: "m".into(),
            evidence: vec![],
            waiver: None,
        }
    }

    fn report() -> Report {
        let findings = vec![
            finding("c.one", "bucket-public", Status::Fail),
            finding("c.one", "bucket-other", Status::Fail),
            finding("c.one", "bucket-ok", Status::Pass),
        ];
        crate::report::build::test_support::report_of(findings)
    }

    const NOW: i64 = 1_795_348_800; // 2026-11-22T12:00:00Z

    #[test]
    fn active_expired_and_unused_waivers() {
        let file = WaiverFile::parse(
            "[[waiver]]\ncheck='c.one'\nresource='bucket-p*'\nreason='public website'\nowner='ann'\nticket='SEC-1'\nexpires='2026-11-22'\n\
             [[waiver]]\ncheck='c.one'\nresource='bucket-other'\nreason='old'\nowner='ann'\nexpires='2026-11-21'\n\
             [[waiver]]\ncheck='c.one'\nresource='bucket-ok'\nreason='passes anyway'\nowner='ann'\nexpires='2027-01-01'\n\
             [[waiver]]\ncheck='c.one'\nresource='bucket-other'\naccount='a2'\nreason='other account'\nowner='ann'\nexpires='2027-01-01'\n",
        )
        .expect("valid");
        let mut r = report();
        assert_eq!(r.verdict(Some(Severity::High)).code(), 1);
        file.apply(&mut r, NOW);
        let waived: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.waiver.is_some())
            .map(|f| f.resource.id.as_str())
            .collect();
        assert_eq!(
            waived,
            ["bucket-public"],
            "active on its last day, glob matched"
        );
        assert_eq!(r.waivers.applied, 1);
        assert_eq!(r.summary.waived, 1);
        assert_eq!(r.waivers.expired.len(), 1);
        assert_eq!(r.waivers.expired[0].expires, "2026-11-21");
        let unused: Vec<&str> = r.waivers.unused.iter().map(|w| w.reason.as_str()).collect();
        assert_eq!(unused, ["passes anyway", "other account"]);
        assert_eq!(
            r.verdict(Some(Severity::High)).code(),
            1,
            "bucket-other still fails"
        );
        let all = WaiverFile::parse(
            "[[waiver]]\ncheck='c.one'\nresource='*'\nreason='r'\nowner='o'\nexpires='2027-01-01'\n",
        )
        .expect("valid");
        let mut r = report();
        all.apply(&mut r, NOW);
        assert_eq!(
            r.verdict(Some(Severity::Info)).code(),
            0,
            "every failure waived"
        );
        assert!(r.to_json().contains("\"waiver\""));
    }

    #[test]
    fn expiry_is_inclusive_of_the_day() {
        let end = expiry_end("2027-01-31").expect("date");
        assert_eq!(crate::report::rfc3339(end), "2027-01-31T23:59:59Z");
        assert!(expiry_end("31/01/2027").is_none());
    }

    #[test]
    fn invalid_files_name_the_waiver() {
        let ok =
            "[[waiver]]\ncheck='c'\nresource='r*'\nreason='x'\nowner='o'\nexpires='2027-01-31'\n";
        assert_eq!(WaiverFile::parse(ok).expect("valid").waivers.len(), 1);
        let e = WaiverFile::parse(&ok.replace("owner='o'", "owner=''")).expect_err("no owner");
        assert!(e.contains("waiver[0] (c)") && e.contains("owner"), "{e}");
        let e = WaiverFile::parse(&ok.replace("2027-01-31", "soon")).expect_err("bad date");
        assert!(e.contains("not a date"), "{e}");
        let e = WaiverFile::parse(&ok.replace("r*", "[r")).expect_err("bad glob");
        assert!(e.contains("not a valid pattern"), "{e}");
        assert!(
            WaiverFile::parse(
                &ok.replace("ticket", "x")
                    .replace("owner='o'", "owner='o'\nticket2='t'")
            )
            .is_err()
        );
    }
}
