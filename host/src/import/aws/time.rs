//! AWS timestamps as the CLI and SDKs print them: ISO 8601 with an offset
//! (`2016-08-30T17:37:35+00:00`, `2024-01-05T10:00:00.123Z`), without one (UTC), or a number of
//! Unix seconds (boto3's JSON dumps).

use serde::{Deserialize, Deserializer};

/// A timestamp in Unix seconds, deserialised from any of the forms AWS tools print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwsTime(pub i64);

/// Parses one AWS timestamp string.
pub fn parse(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = chrono::DateTime::parse_from_str(s, format) {
            return Some(t.timestamp());
        }
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc().timestamp());
        }
    }
    None
}

impl<'de> Deserialize<'de> for AwsTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(f64),
        }
        match Raw::deserialize(d)? {
            Raw::Text(s) => parse(&s)
                .map(AwsTime)
                .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a timestamp"))),
            Raw::Number(n) if n.is_finite() && n.abs() < 1e12 => Ok(AwsTime(n as i64)),
            Raw::Number(n) => Err(serde::de::Error::custom(format!(
                "{n} is not a timestamp in Unix seconds"
            ))),
        }
    }
}

/// Optional timestamp field helper: `Option<AwsTime>` → `Option<i64>`.
pub fn secs(t: Option<AwsTime>) -> Option<i64> {
    t.map(|t| t.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_printed_form_parses() {
        let t = 1_472_578_655; // 2016-08-30T17:37:35Z
        assert_eq!(parse("2016-08-30T17:37:35+00:00"), Some(t));
        assert_eq!(parse("2016-08-30T17:37:35Z"), Some(t));
        assert_eq!(parse("2016-08-30T17:37:35.250000+00:00"), Some(t));
        assert_eq!(parse("2016-08-30T17:37:35"), Some(t));
        assert_eq!(parse("2016-08-30 17:37:35+00:00"), Some(t));
        assert_eq!(parse("N/A"), None);
        let n: AwsTime = serde_json::from_str("1472578655.5").expect("number");
        assert_eq!(n.0, t);
        assert!(serde_json::from_str::<AwsTime>("\"soon\"").is_err());
        assert!(serde_json::from_str::<AwsTime>("true").is_err());
    }
}
