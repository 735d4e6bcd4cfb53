//! The process exit codes of `posture`, in one place: every command returns an [`Exit`].
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success: nothing at or above `--fail-on` failed |
//! | 1 | a failing finding (not waived) at or above `--fail-on`; `posture test`: a case failed |
//! | 2 | usage or input error (bad flag, unreadable or invalid file) |
//! | 3 | a plugin failed to load or errored: the results are incomplete |
//! | 4 | `scan --record`: the report was printed but the run was NOT recorded (store read-only, full, corrupt, unreachable, or written by a newer posture) |
//! | 5 | `plugins add`, `plugins update`: the plugin was refused (signature, trust policy, digests, collision); nothing was installed |

use posture::model::Verdict;
use std::process::ExitCode;

/// How `posture` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0.
    Success,
    /// 1.
    Failing,
    /// 2.
    Usage,
    /// 3.
    PluginError,
    /// 4.
    NotRecorded,
    /// 5.
    Refused,
}

impl Exit {
    /// The numeric code.
    pub(crate) fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failing => 1,
            Exit::Usage => 2,
            Exit::PluginError => 3,
            Exit::NotRecorded => 4,
            Exit::Refused => 5,
        }
    }
}

impl From<Verdict> for Exit {
    fn from(v: Verdict) -> Exit {
        match v {
            Verdict::Pass => Exit::Success,
            Verdict::Fail => Exit::Failing,
            Verdict::Error => Exit::PluginError,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_map_to_the_documented_codes() {
        assert_eq!(Exit::from(Verdict::Pass).code(), 0);
        assert_eq!(Exit::from(Verdict::Fail).code(), 1);
        assert_eq!(Exit::from(Verdict::Error).code(), 3);
        assert_eq!(Exit::Usage.code(), 2);
        assert_eq!(Exit::NotRecorded.code(), 4);
        assert_eq!(Exit::Refused.code(), 5);
        for v in [Verdict::Pass, Verdict::Fail, Verdict::Error] {
            assert_eq!(Exit::from(v).code(), v.code());
        }
    }
}
