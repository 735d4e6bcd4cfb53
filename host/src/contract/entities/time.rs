//! Timestamps: Unix seconds (`i64`) in memory and in the contract, RFC 3339 strings in JSON.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serializer};

/// Parses an RFC 3339 time into Unix seconds.
pub fn parse(s: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp())
        .map_err(|e| format!("`{s}` is not an RFC 3339 time like 2026-11-20T09:00:00Z ({e})"))
}

/// Formats Unix seconds as RFC 3339 UTC.
pub fn format(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| secs.to_string())
}

/// Schema stand-in: a string in `date-time` format.
pub struct Rfc3339;

impl JsonSchema for Rfc3339 {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rfc3339".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339 time, e.g. 2026-11-20T09:00:00Z"
        })
    }
}

/// serde `with` module for a required timestamp.
pub mod required {
    use super::*;

    /// Serialises as RFC 3339.
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*v))
    }

    /// Deserialises from RFC 3339.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

/// serde `with` module for an optional timestamp (`null` or missing = unknown).
pub mod optional {
    use super::*;

    /// Serialises as RFC 3339 or `null`.
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&format(*v)),
            None => s.serialize_none(),
        }
    }

    /// Deserialises from RFC 3339 or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => parse(&s).map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_rejects_garbage() {
        let t = super::parse("2026-11-20T09:00:00Z").expect("parses");
        assert_eq!(super::format(t), "2026-11-20T09:00:00Z");
        assert_eq!(super::parse("2026-11-20T10:00:00+01:00"), Ok(t));
        assert!(super::parse("yesterday").is_err());
    }
}
