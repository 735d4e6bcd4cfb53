//! JSON the way the store needs it: an order-preserving value (so a stored report prints back
//! byte-identical; `serde_json::Value` sorts keys in this workspace), compact and pretty
//! printing, and the RFC 8785 canonical form and its sha256 that receipts are made of.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// A JSON value that keeps object members in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses JSON text.
    pub(crate) fn parse(text: &str) -> serde_json::Result<Json> {
        serde_json::from_str(text)
    }

    /// Compact text, members in their order.
    pub(crate) fn compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The RFC 8785 canonical bytes.
    pub(crate) fn canonical(&self) -> Vec<u8> {
        serde_json_canonicalizer::to_vec(self).unwrap_or_default()
    }

    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to a `serde_json::Value` (members then sorted, duplicates collapsed).
    pub(crate) fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// Lowercase hex sha256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lowercase hex sha256 of the RFC 8785 canonical form of any serialisable value.
pub(crate) fn canonical_sha256<T: Serialize>(value: &T) -> String {
    sha256_hex(&serde_json_canonicalizer::to_vec(value).unwrap_or_default())
}

/// Pretty text exactly as `serde_json::to_string_pretty` prints it.
#[cfg(test)]
pub(crate) fn pretty(value: &Json) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Appends `compact` (JSON text with no whitespace between tokens, as [`Json::compact`]
/// prints it) pretty-printed exactly as `serde_json::to_string_pretty` prints the value, its
/// opening line continuing a line already indented `depth` levels: the same bytes as
/// [`pretty`] of the parsed value, without parsing or re-escaping anything.
pub(crate) fn pretty_compact_into(out: &mut String, compact: &str, depth: usize) {
    let b = compact.as_bytes();
    let mut depth = depth;
    let (mut i, mut start) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                if b.get(i + 1) == Some(&close) {
                    i += 2;
                    continue;
                }
                out.push_str(&compact[start..=i]);
                depth += 1;
                newline(out, depth);
                i += 1;
                start = i;
            }
            b'}' | b']' => {
                out.push_str(&compact[start..i]);
                depth = depth.saturating_sub(1);
                newline(out, depth);
                start = i;
                i += 1;
            }
            b',' => {
                out.push_str(&compact[start..=i]);
                newline(out, depth);
                i += 1;
                start = i;
            }
            b':' => {
                out.push_str(&compact[start..=i]);
                out.push(' ');
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&compact[start.min(b.len())..]);
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(v) => s.serialize_str(v),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            members.push((k, v));
        }
        Ok(Json::Object(members))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_member_order_and_prints_back_identically() {
        let text = "{\n  \"z\": 1,\n  \"a\": [\n    1.5,\n    \"\\u0001é\\\"\"\n  ],\n  \"m\": {},\n  \"e\": []\n}";
        let v = Json::parse(text).unwrap();
        assert_eq!(pretty(&v), text);
        assert_eq!(
            v.compact(),
            r#"{"z":1,"a":[1.5,"\u0001é\""],"m":{},"e":[]}"#
        );
    }

    #[test]
    fn compact_text_reindents_like_the_pretty_printer() {
        let texts = [
            r#"{"z":1,"a":[1.5,"\u0001é\"",{"k":"v: [x], {y}","e":[],"o":{}}],"m":{},"e":[]}"#,
            r#"[[],[[]],{"a":{"b":{"c":[null,true,false,-1e-7]}}},"\\",""]"#,
            r#""just a string, with: {brackets} [and] \"quotes\"""#,
            "42",
            "[]",
            "{}",
        ];
        for text in texts {
            let v = Json::parse(text).unwrap();
            for depth in [0, 1, 2] {
                let mut out = String::new();
                pretty_compact_into(&mut out, &v.compact(), depth);
                let want = pretty(&v).replace('\n', &format!("\n{}", "  ".repeat(depth)));
                assert_eq!(out, want, "{text} at depth {depth}");
            }
        }
    }

    #[test]
    fn canonical_form_sorts_members() {
        let v = Json::parse(r#"{"b":1,"a":{"d":true,"c":null}}"#).unwrap();
        assert_eq!(v.canonical(), br#"{"a":{"c":null,"d":true},"b":1}"#);
    }
}
