//! `attributes`: provider extras kept as JSON text. In the snapshot file they are any JSON
//! object; in memory and in the contract they are that object's text, handed to plugins as is.

use serde::{Deserialize, Deserializer, Serializer};
use serde_json::value::RawValue;

/// Serialises the stored text back as JSON (not as a string).
pub fn serialize<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(text) => {
            let raw = RawValue::from_string(text.clone()).map_err(serde::ser::Error::custom)?;
            serde::Serialize::serialize(&raw, s)
        }
        None => s.serialize_none(),
    }
}

/// Captures a JSON object (or `null`) as text.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw: Option<Box<RawValue>> = Option::deserialize(d)?;
    match raw {
        None => Ok(None),
        Some(r) => {
            let text = r.get();
            if !text.trim_start().starts_with('{') {
                return Err(serde::de::Error::custom(
                    "`attributes` must be a JSON object",
                ));
            }
            Ok(Some(text.to_string()))
        }
    }
}
