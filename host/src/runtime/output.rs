//! What a plugin may return from `evaluate`: within the output limits, where every byte it
//! returns counts ([`output_bytes`]), only findings for the checks it was asked to run, and
//! each about something that check could read ([`super::subject`]).

use crate::contract::bindings::wit;
use crate::limits::Limits;
use crate::model::{EntityKind, FailureKind, PluginFailure};
use crate::snapshot::Snapshot;
use std::collections::HashMap;

/// Checks a plugin's result: within the limits (counts and every byte), only for checks it
/// was asked to run, each about something that check could read ([`super::subject`]).
pub(super) fn validate_output(
    findings: &[wit::Finding],
    requested: &HashMap<&str, &[EntityKind]>,
    snapshot: &Snapshot,
    limits: &Limits,
) -> Result<(), PluginFailure> {
    let invalid = |message: String| PluginFailure {
        kind: FailureKind::InvalidOutput,
        message,
    };
    if findings.len() as u64 > limits.max_findings {
        return Err(PluginFailure {
            kind: FailureKind::OutputLimit,
            message: format!(
                "returned {} findings, over the limit of {}",
                findings.len(),
                limits.max_findings
            ),
        });
    }
    let mut bytes: u64 = 0;
    for f in findings {
        if !requested.contains_key(f.check_id.as_str()) {
            return Err(invalid(format!(
                "returned a finding for check `{}`, which it was not asked to run",
                f.check_id
            )));
        }
        if f.resource.id.is_empty() || f.resource.kind.is_empty() {
            return Err(invalid(format!(
                "returned a finding for check `{}` with an empty resource kind or id",
                f.check_id
            )));
        }
        bytes += output_bytes(f);
    }
    if bytes > limits.max_output_bytes {
        return Err(PluginFailure {
            kind: FailureKind::OutputLimit,
            message: format!(
                "returned {bytes} bytes of findings, over the limit of {} bytes",
                limits.max_output_bytes
            ),
        });
    }
    let mut subjects = super::subject::Subjects::new(snapshot);
    for f in findings {
        let reads = requested
            .get(f.check_id.as_str())
            .copied()
            .unwrap_or_default();
        if let Some(why) = subjects.refuse(f, reads) {
            return Err(PluginFailure {
                kind: FailureKind::ContractViolation,
                message: format!(
                    "returned a finding for check `{}` that {why} (a finding must be about something \
                     its check read, at most once per resource)",
                    f.check_id
                ),
            });
        }
    }
    Ok(())
}

/// Bytes counted for each finding record, besides its texts: its size in the host on 64-bit
/// machines, fixed so that the count is the same on every host.
pub const FINDING_RECORD_BYTES: usize = 176;
/// Bytes counted for each evidence record, besides its texts (three strings).
pub const EVIDENCE_RECORD_BYTES: usize = 72;

/// What the host holds of one finding, counted against `max-output-mib`: every text the
/// plugin returned (check id, message, resource kind, id, display name and account, each
/// evidence key, value and path) plus the records themselves, so that a million empty
/// evidence records weigh what they cost.
fn output_bytes(f: &wit::Finding) -> u64 {
    let r = &f.resource;
    let text = f.check_id.len()
        + f.message.len()
        + r.kind.len()
        + r.id.len()
        + r.display_name.as_ref().map_or(0, String::len)
        + r.account.as_ref().map_or(0, String::len);
    let evidence: usize = f
        .evidence
        .iter()
        .map(|e| EVIDENCE_RECORD_BYTES + e.key.len() + e.value.len() + e.path.len())
        .sum();
    (FINDING_RECORD_BYTES + text + evidence) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(check: &str, id: &str, message: &str) -> wit::Finding {
        wit::Finding {
            check_id: check.into(),
            status: wit::Status::Fail,
            resource: wit::ResourceRef {
                kind: "principal".into(),
                id: id.into(),
                display_name: Some("Ann".into()),
                account: Some("1".into()),
            },
            message: message.into(),
            severity: None,
            evidence: vec![wit::Evidence {
                key: "mfa".into(),
                value: "false".into(),
                path: "/p/0".into(),
            }],
        }
    }

    fn check_output(findings: &[wit::Finding], limits: &Limits) -> Result<(), PluginFailure> {
        let reads = [EntityKind::Principals];
        let requested = HashMap::from([("iam.a", &reads[..]), ("iam.b", &reads[..])]);
        let snapshot = crate::runtime::subject::tests::fixture();
        validate_output(findings, &requested, &snapshot, limits)
    }

    fn kind_of(r: Result<(), PluginFailure>) -> FailureKind {
        r.expect_err("refused").kind
    }

    #[test]
    fn findings_must_be_for_requested_checks_and_name_a_resource() {
        let limits = Limits::default();
        let ok = [finding("iam.a", "u1", "m"), finding("iam.b", "u2", "m")];
        assert_eq!(check_output(&ok, &limits), Ok(()));
        let e = check_output(&[finding("iam.c", "u1", "m")], &limits).expect_err("refused");
        assert_eq!(e.kind, FailureKind::InvalidOutput);
        assert!(e.message.contains("`iam.c`"), "{}", e.message);
        let no_id = finding("iam.a", "", "m");
        assert_eq!(
            kind_of(check_output(&[no_id], &limits)),
            FailureKind::InvalidOutput
        );
        let mut no_kind = finding("iam.a", "u1", "m");
        no_kind.resource.kind.clear();
        assert_eq!(
            kind_of(check_output(&[no_kind], &limits)),
            FailureKind::InvalidOutput
        );
    }

    #[test]
    fn too_many_findings_or_bytes_is_an_output_limit() {
        let three = [
            finding("iam.a", "u1", "m"),
            finding("iam.a", "u2", "m"),
            finding("iam.a", "u3", "m"),
        ];
        let limits = Limits {
            max_findings: 3,
            ..Limits::default()
        };
        assert_eq!(check_output(&three, &limits), Ok(()));
        let limits = Limits {
            max_findings: 2,
            ..Limits::default()
        };
        assert_eq!(
            kind_of(check_output(&three, &limits)),
            FailureKind::OutputLimit
        );

        // Counted: check id, message, resource id, kind, display name and account, evidence
        // key, value and path, and the records.
        let f = finding("iam.a", "u1", "0123456789");
        let text = 5 + 10 + 2 + "principal".len() + "Ann".len() + 1;
        let evidence = EVIDENCE_RECORD_BYTES + "mfa".len() + "false".len() + 4;
        let size = (FINDING_RECORD_BYTES + text + evidence) as u64;
        // The constants are the host's sizes on 64-bit machines.
        #[cfg(target_pointer_width = "64")]
        assert_eq!(
            (size_of::<wit::Finding>(), size_of::<wit::Evidence>()),
            (FINDING_RECORD_BYTES, EVIDENCE_RECORD_BYTES)
        );
        let at = |max_output_bytes| Limits {
            max_output_bytes,
            ..Limits::default()
        };
        let mut other = f.clone();
        other.resource.id = "u2".into();
        let two = [f, other];
        assert_eq!(check_output(&two, &at(2 * size)), Ok(()));
        let e = check_output(&two, &at(2 * size - 1)).expect_err("over");
        assert_eq!(e.kind, FailureKind::OutputLimit);
        assert!(
            e.message.contains(&format!("{} bytes", 2 * size)),
            "{}",
            e.message
        );
    }
}
