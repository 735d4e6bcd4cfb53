//! The evaluation context a check receives: the injected `now`, the capture time, the accounts,
//! and the check's effective parameters with typed accessors.

use crate::bindings::posture::plugin::types::{Account, Param, ParamSpec, ParamValue, Timestamp};
use crate::check::CheckError;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// What one check sees of the evaluation.
#[derive(Debug, Clone)]
pub struct Context {
    now: Timestamp,
    captured_at: Timestamp,
    accounts: Vec<Account>,
    params: Vec<Param>,
    specs: Vec<ParamSpec>,
}

impl Context {
    /// A context; `params` are the host's effective values, `specs` the check's declarations
    /// (their defaults fill anything the host did not send).
    pub fn new(
        now: Timestamp,
        captured_at: Timestamp,
        accounts: Vec<Account>,
        params: Vec<Param>,
        specs: Vec<ParamSpec>,
    ) -> Context {
        Context {
            now,
            captured_at,
            accounts,
            params,
            specs,
        }
    }

    /// The evaluation's "now" (Unix seconds). Never read a real clock: use this.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// When the snapshot was captured.
    pub fn captured_at(&self) -> Timestamp {
        self.captured_at
    }

    /// Accounts the snapshot covers.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// Provider of account `id` (`aws`, `m365`, …), if declared.
    pub fn provider_of(&self, id: &str) -> Option<&str> {
        self.accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.provider.as_str())
    }

    /// Whole days from `t` to now (negative if `t` is in the future).
    pub fn days_since(&self, t: Timestamp) -> i64 {
        self.now.saturating_sub(t).div_euclid(DAY)
    }

    /// Whether more than `days` days (of 24 hours, counted exactly, not in whole days) have
    /// passed since `t`: 30 days and 7 hours is more than 30 days, 30 days exactly is not.
    pub fn more_than_days_since(&self, t: Timestamp, days: i64) -> bool {
        self.now.saturating_sub(t) > days.saturating_mul(DAY)
    }

    /// "N days" for a message about a limit test: the whole days since `t`, or "more than
    /// N days" when the whole days equal the limit but the exact time exceeds it.
    pub fn days_elapsed(&self, t: Timestamp, limit: i64) -> String {
        let days = self.days_since(t);
        if days == limit && self.more_than_days_since(t, limit) {
            format!("more than {days} days")
        } else {
            format!("{days} days")
        }
    }

    fn value(&self, name: &str) -> Result<&ParamValue, CheckError> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.value)
            .or_else(|| {
                self.specs
                    .iter()
                    .find(|s| s.name == name)
                    .map(|s| &s.default)
            })
            .ok_or_else(|| CheckError::Param(format!("parameter `{name}` is not declared")))
    }

    /// An integer parameter.
    pub fn int(&self, name: &str) -> Result<i64, CheckError> {
        match self.value(name)? {
            ParamValue::Integer(v) => Ok(*v),
            _ => Err(CheckError::Param(format!(
                "parameter `{name}` is not an integer"
            ))),
        }
    }

    /// A number parameter.
    pub fn number(&self, name: &str) -> Result<f64, CheckError> {
        match self.value(name)? {
            ParamValue::Number(v) => Ok(*v),
            ParamValue::Integer(v) => Ok(*v as f64),
            _ => Err(CheckError::Param(format!(
                "parameter `{name}` is not a number"
            ))),
        }
    }

    /// A text parameter.
    pub fn text(&self, name: &str) -> Result<&str, CheckError> {
        match self.value(name)? {
            ParamValue::Text(v) => Ok(v),
            _ => Err(CheckError::Param(format!("parameter `{name}` is not text"))),
        }
    }

    /// A boolean parameter.
    pub fn flag(&self, name: &str) -> Result<bool, CheckError> {
        match self.value(name)? {
            ParamValue::Flag(v) => Ok(*v),
            _ => Err(CheckError::Param(format!(
                "parameter `{name}` is not a boolean"
            ))),
        }
    }

    /// A list-of-texts parameter.
    pub fn text_list(&self, name: &str) -> Result<&[String], CheckError> {
        match self.value(name)? {
            ParamValue::TextList(v) => Ok(v),
            _ => Err(CheckError::Param(format!(
                "parameter `{name}` is not a list of texts"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::NOW;

    fn cx() -> Context {
        Context::new(NOW, NOW, Vec::new(), Vec::new(), Vec::new())
    }

    #[test]
    fn days_are_counted_exactly_for_limits_and_whole_for_display() {
        let cx = cx();
        let over = NOW - 30 * DAY - 7 * 3600;
        assert_eq!(cx.days_since(over), 30);
        assert!(cx.more_than_days_since(over, 30));
        assert!(!cx.more_than_days_since(NOW - 30 * DAY, 30));
        assert_eq!(cx.days_elapsed(over, 30), "more than 30 days");
        assert_eq!(cx.days_elapsed(NOW - 30 * DAY, 30), "30 days");
        assert_eq!(cx.days_elapsed(NOW - 31 * DAY, 30), "31 days");
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        let cx = cx();
        assert!(cx.more_than_days_since(i64::MIN, 1_000_000_000));
        assert!(!cx.more_than_days_since(i64::MIN, i64::MAX));
        assert!(cx.days_since(i64::MIN) > 0);
        assert!(!cx.more_than_days_since(i64::MAX, 0));
    }
}
