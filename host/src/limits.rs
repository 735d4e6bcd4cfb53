//! Resource limits applied to every plugin evaluation, with their documented defaults.
//!
//! All limits are on by default. The user's configuration may override them per plugin
//! (`[plugins.NAME.limits]`) or for all plugins (`[limits]`); see the README.

use serde::Deserialize;
use std::time::Duration;

/// Default cap on a plugin instance's linear memory: 256 MiB.
pub const DEFAULT_MEMORY_MIB: u64 = 256;
/// Default wall-clock deadline for one `evaluate` call: 30 seconds.
pub const DEFAULT_DEADLINE_MS: u64 = 30_000;
/// Default cap on findings returned by one plugin: 1 000 000.
pub const DEFAULT_MAX_FINDINGS: u64 = 1_000_000;
/// Default cap on what one plugin returns (every text, plus a fixed size per finding and per
/// evidence record; see `runtime::output`): 256 MiB.
pub const DEFAULT_MAX_OUTPUT_MIB: u64 = 256;

/// The limits one plugin runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum linear memory of the instance, in bytes. Growing past it traps the plugin.
    pub memory_bytes: u64,
    /// Maximum wall-clock time of one call into the plugin (epoch interruption).
    pub deadline: Duration,
    /// Maximum number of findings the plugin may return from one evaluation.
    pub max_findings: u64,
    /// Maximum bytes of the returned findings: every text, plus a fixed size per finding and
    /// per evidence record.
    pub max_output_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: DEFAULT_MEMORY_MIB * 1024 * 1024,
            deadline: Duration::from_millis(DEFAULT_DEADLINE_MS),
            max_findings: DEFAULT_MAX_FINDINGS,
            max_output_bytes: DEFAULT_MAX_OUTPUT_MIB * 1024 * 1024,
        }
    }
}

/// Partial limits as written in the configuration file; unset fields inherit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsOverride {
    /// Memory cap in MiB.
    pub memory_mib: Option<u64>,
    /// Deadline in milliseconds.
    pub deadline_ms: Option<u64>,
    /// Maximum findings.
    pub max_findings: Option<u64>,
    /// Maximum returned text in MiB.
    pub max_output_mib: Option<u64>,
}

impl Limits {
    /// These limits with the fields set in `o` replaced.
    pub fn with(self, o: &LimitsOverride) -> Limits {
        Limits {
            memory_bytes: o
                .memory_mib
                .map_or(self.memory_bytes, |m| m.saturating_mul(1024 * 1024)),
            deadline: o.deadline_ms.map_or(self.deadline, Duration::from_millis),
            max_findings: o.max_findings.unwrap_or(self.max_findings),
            max_output_bytes: o
                .max_output_mib
                .map_or(self.max_output_bytes, |m| m.saturating_mul(1024 * 1024)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_replaces_only_set_fields() {
        let base = Limits::default();
        let o = LimitsOverride {
            memory_mib: Some(16),
            deadline_ms: None,
            max_findings: Some(5),
            max_output_mib: None,
        };
        let l = base.with(&o);
        assert_eq!(l.memory_bytes, 16 * 1024 * 1024);
        assert_eq!(l.deadline, base.deadline);
        assert_eq!(l.max_findings, 5);
        assert_eq!(l.max_output_bytes, base.max_output_bytes);
    }
}
