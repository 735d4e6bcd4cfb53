//! The files CISA's ScubaGear (Microsoft 365) and ScubaGoggles (Google Workspace) users hold,
//! read the same way for both importers: the bare provider export (`ProviderSettingsExport.json`
//! and the like), or a results file (`ScubaResults*.json`) that carries the provider export as
//! its `Raw` block beside `MetaData` (tenant, capture time, tool version). Where the provider
//! export itself names its tenant or capture time, that wins; `MetaData` fills what it lacks.
//! Also here: merging the duplicates real exports contain (one role reached twice, one address
//! listed many times), said at `-v`.

use super::common::ImportError;
use super::files::parse_document;
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

/// A results file's `MetaData` (the fields posture reads; both tools write these names).
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct MetaData {
    /// The tenant's id.
    pub tenant_id: Option<String>,
    /// The tenant's primary domain.
    pub domain_name: Option<String>,
    /// The tenant's display name.
    pub display_name: Option<String>,
    /// The tool's version, e.g. `1.8.0`.
    pub tool_version: Option<String>,
    /// When the tool ran (RFC 3339, UTC).
    pub timestamp_zulu: Option<String>,
}

/// What the top of a document says about its kind.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Probe {
    #[serde(rename = "Raw")]
    raw: Option<IgnoredAny>,
    #[serde(rename = "MetaData")]
    meta: Option<MetaData>,
    #[serde(rename = "Results")]
    results: Option<IgnoredAny>,
    #[serde(rename = "Summary")]
    summary: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct Wrapped<E> {
    #[serde(rename = "Raw")]
    raw: E,
}

/// Parses `bytes` (named `path` in errors) as a provider export `E`, bare or as the `Raw`
/// block of a results file; returns it with the results file's `MetaData` (empty for a bare
/// export). A results file without its `Raw` block is refused with what to pass instead.
pub(crate) fn parse<E: DeserializeOwned>(
    bytes: &[u8],
    path: &str,
    tool: &str,
) -> Result<(E, MetaData), ImportError> {
    let probe: Probe = parse_document(bytes, path)?;
    if probe.raw.is_some() {
        let wrapped: Wrapped<E> = parse_document(bytes, path)?;
        return Ok((wrapped.raw, probe.meta.unwrap_or_default()));
    }
    if probe.meta.is_some() && (probe.results.is_some() || probe.summary.is_some()) {
        return Err(ImportError::Invalid {
            path: path.to_string(),
            message: format!(
                "this is a {tool} results file without the provider export (no `Raw` block); \
                 pass the provider export {tool} wrote beside it, or a results file that \
                 carries it"
            ),
        });
    }
    Ok((parse_document(bytes, path)?, MetaData::default()))
}

/// The capture time: `--captured-at`, else the provider export's `timestamp_zulu`, else the
/// results file's `MetaData.TimestampZulu`.
pub(crate) fn captured_at(
    options: &super::common::Options,
    timestamp_zulu: Option<&str>,
    meta: &MetaData,
    path: &str,
) -> Result<i64, ImportError> {
    let found = timestamp_zulu
        .or(meta.timestamp_zulu.as_deref())
        .and_then(|t| crate::snapshot::time::parse(t).ok());
    super::common::captured_at(
        options,
        found,
        path,
        "timestamp_zulu or MetaData.TimestampZulu",
    )
}

/// Keeps the first of each group of items with the same key, in order; logs at `-v` how many
/// repeats of `what` were merged (real exports repeat entries: one role reached through two
/// assignment paths, one address listed many times).
pub(crate) fn merge_repeats<T, K: PartialEq>(
    items: Vec<T>,
    what: &str,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    let mut merged = 0usize;
    for item in items {
        let k = key(&item);
        if kept.iter().any(|o| key(o) == k) {
            merged += 1;
        } else {
            kept.push(item);
        }
    }
    if merged > 0 {
        tracing::info!("merged {merged} repeated {what} of the export");
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    type Doc = BTreeMap<String, serde_json::Value>;

    #[test]
    fn bare_and_wrapped_exports_read_the_same() {
        let (bare, meta): (Doc, _) = parse(br#"{"a": 1}"#, "x.json", "ScubaGear").expect("bare");
        assert_eq!(bare["a"], 1);
        assert_eq!(meta, MetaData::default());
        let wrapped = br#"{"MetaData": {"TenantId": "t", "DomainName": "d.example",
            "ToolVersion": "1.8.0", "TimestampZulu": "2026-11-20T09:00:00Z", "Tool": "ScubaGear"},
            "Summary": {}, "Results": {}, "Raw": {"a": 2}}"#;
        let (doc, meta): (Doc, _) = parse(wrapped, "ScubaResults.json", "ScubaGear").expect("ok");
        assert_eq!(doc["a"], 2);
        assert_eq!(meta.domain_name.as_deref(), Some("d.example"));
        assert_eq!(meta.timestamp_zulu.as_deref(), Some("2026-11-20T09:00:00Z"));
    }

    #[test]
    fn a_results_file_without_raw_says_what_to_pass() {
        let e = parse::<Doc>(
            br#"{"MetaData": {"TenantId": "t"}, "Results": {}}"#,
            "ScubaResults.json",
            "ScubaGoggles",
        )
        .expect_err("no Raw");
        let text = e.to_string();
        assert!(
            text.contains("ScubaResults.json") && text.contains("`Raw`"),
            "{text}"
        );
    }

    #[test]
    fn wrong_types_inside_raw_are_named_with_their_pointer() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct E {
            n: u32,
        }
        let e = parse::<E>(br#"{"Raw": {"n": "x"}}"#, "r.json", "ScubaGear").expect_err("type");
        assert!(e.to_string().contains("/Raw/n"), "{e}");
    }

    #[test]
    fn repeats_merge_and_distinct_items_stay() {
        let kept = merge_repeats(vec![("a", 1), ("b", 2), ("a", 3)], "entries", |x| x.0);
        assert_eq!(kept, [("a", 1), ("b", 2)]);
    }
}
