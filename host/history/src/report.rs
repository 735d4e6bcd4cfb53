//! Taking a `posture.report/v1` JSON report apart for storage and putting it back together:
//! the header (every member but `findings`, each member a content-addressed blob), the
//! findings (each body a blob), the findings' order, and the two digests a receipt carries.
//!
//! Order: findings are rebuilt from a set, then sorted by the report's documented finding order
//! (check id, account, resource id, status, message, severity, resource, evidence, plugin,
//! domain; ties by content id). When a recorded report is not in exactly that order, the run
//! stores its permutation, so re-rendering is byte-identical either way.

use crate::error::{Error, Result};
use crate::json::{Json, sha256_hex};
use std::borrow::Cow;
use std::cmp::Ordering;

/// A finding ready for storage.
#[derive(Debug, Clone)]
pub(crate) struct StoredFinding {
    /// The parsed body.
    pub json: Json,
    /// Its compact text, as stored.
    pub text: String,
    /// sha256 of `text`: the content id (blob key).
    pub id: String,
    /// sha256 of its RFC 8785 canonical form: what receipts are made of.
    pub canonical_sha256: String,
    /// Its place in the default order.
    pub key: SortKey,
}

impl StoredFinding {
    /// A body read back from the store under content id `id` (its stored compact `text`),
    /// for rendering: no digests recomputed (`verify` does that), `canonical_sha256` left
    /// empty, and `json` too (`Json::Null`) unless `parse`.
    pub(crate) fn stored(id: String, text: String, parse: bool) -> Result<StoredFinding> {
        let parsed = |text: &str| {
            Json::parse(text).map_err(|e| Error::Stored(format!("finding body {id}: {e}")))
        };
        let (key, json) = match (parse, SortKey::from_text(&text, &id)) {
            (false, Some(key)) => (key, Json::Null),
            _ => {
                let json = parsed(&text)?;
                (SortKey::new(&json, &id), json)
            }
        };
        Ok(StoredFinding {
            key,
            id,
            canonical_sha256: String::new(),
            text,
            json,
        })
    }

    /// Builds from a parsed body.
    pub(crate) fn new(json: Json) -> StoredFinding {
        let text = json.compact();
        let id = sha256_hex(text.as_bytes());
        StoredFinding {
            key: SortKey::new(&json, &id),
            id,
            canonical_sha256: sha256_hex(&json.canonical()),
            text,
            json,
        }
    }
}

/// A report taken apart.
pub(crate) struct Split {
    /// Members in order; `None` where the findings go.
    pub header: Vec<(String, Option<Json>)>,
    /// Findings in report order.
    pub findings: Vec<StoredFinding>,
}

/// Splits report text.
pub(crate) fn split(text: &str) -> Result<Split> {
    let json = Json::parse(text).map_err(|e| Error::InvalidReport(e.to_string()))?;
    let Json::Object(members) = json else {
        return Err(Error::InvalidReport("not a JSON object".into()));
    };
    let mut header = Vec::with_capacity(members.len());
    let mut findings = None;
    for (key, value) in members {
        if key == "findings" && findings.is_none() {
            let Json::Array(items) = value else {
                return Err(Error::InvalidReport("`findings` is not an array".into()));
            };
            findings = Some(items.into_iter().map(StoredFinding::new).collect());
            header.push((key, None));
        } else {
            header.push((key, Some(value)));
        }
    }
    let findings = findings.ok_or_else(|| Error::InvalidReport("no `findings` member".into()))?;
    Ok(Split { header, findings })
}

/// sha256 of the canonical form of the report without its findings.
pub(crate) fn header_sha256(header: &[(String, Option<Json>)]) -> String {
    let members = header
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
        .collect();
    sha256_hex(&Json::Object(members).canonical())
}

/// sha256 over the findings in report order: each finding's canonical sha256 in lowercase hex
/// followed by a newline, concatenated.
pub(crate) fn findings_sha256<'a>(canonical_digests: impl Iterator<Item = &'a str>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for d in canonical_digests {
        h.update(d.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// Puts a report back together and prints it as the scan did (pretty, trailing newline):
/// the bytes `serde_json::to_string_pretty` prints for the whole report, each finding's
/// stored compact text re-indented in place rather than parsed and printed again.
pub(crate) fn render(header: &[(String, Option<Json>)], findings: &[StoredFinding]) -> String {
    let body: usize = findings.iter().map(|f| f.text.len() * 2).sum();
    let mut out = String::with_capacity(body + 4096);
    if header.is_empty() {
        return "{}\n".into();
    }
    out.push('{');
    for (n, (key, value)) in header.iter().enumerate() {
        out.push_str(if n == 0 { "\n  " } else { ",\n  " });
        out.push_str(&serde_json::to_string(key).unwrap_or_default());
        out.push_str(": ");
        match value {
            Some(v) => crate::json::pretty_compact_into(&mut out, &v.compact(), 1),
            None if findings.is_empty() => out.push_str("[]"),
            None => {
                out.push('[');
                for (i, f) in findings.iter().enumerate() {
                    out.push_str(if i == 0 { "\n    " } else { ",\n    " });
                    crate::json::pretty_compact_into(&mut out, &f.text, 2);
                }
                out.push_str("\n  ]");
            }
        }
    }
    out.push_str("\n}\n");
    out
}

const STATUS_ORDER: [&str; 4] = ["fail", "error", "not-evaluable", "pass"];
const SEVERITY_ORDER: [&str; 5] = ["info", "low", "medium", "high", "critical"];

/// A finding's place in the default order: the fields compared, most significant first
/// (derived `Ord` compares them in declaration order), the content id last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SortKey {
    check_id: Option<String>,
    account: Option<String>,
    resource_id: Option<String>,
    status: (usize, String),
    message: Option<String>,
    severity: (usize, String),
    resource: [Option<String>; 4],
    tags: Option<String>,
    evidence: Vec<[Option<String>; 3]>,
    plugin: Option<String>,
    domain: Option<String>,
    id: String,
}

fn rank(order: &[&str], v: Option<&Json>) -> (usize, String) {
    let s = v.and_then(Json::as_str).unwrap_or("");
    match order.iter().position(|o| *o == s) {
        Some(i) => (i, String::new()),
        None => (order.len(), s.to_owned()),
    }
}

fn text(v: Option<&Json>, key: &str) -> Option<String> {
    v.and_then(|v| v.get(key))
        .and_then(Json::as_str)
        .map(str::to_owned)
}

/// The fields of a finding that [`SortKey`] reads, borrowed from its text where unescaped.
#[derive(serde::Deserialize)]
struct KeyFields<'a> {
    #[serde(borrow)]
    check_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    #[serde(borrow)]
    plugin: Option<Cow<'a, str>>,
    #[serde(borrow)]
    domain: Option<Cow<'a, str>>,
    #[serde(borrow)]
    resource: Option<ResourceFields<'a>>,
    #[serde(borrow)]
    evidence: Option<Vec<EvidenceFields<'a>>>,
}

#[derive(serde::Deserialize)]
struct ResourceFields<'a> {
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    display_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    account: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tags: Option<&'a serde_json::value::RawValue>,
}

#[derive(serde::Deserialize)]
struct EvidenceFields<'a> {
    #[serde(borrow)]
    key: Option<Cow<'a, str>>,
    #[serde(borrow)]
    value: Option<Cow<'a, str>>,
    #[serde(borrow)]
    path: Option<Cow<'a, str>>,
}

fn owned(v: &Option<Cow<'_, str>>) -> Option<String> {
    v.as_deref().map(str::to_owned)
}

fn rank_text(order: &[&str], v: &Option<Cow<'_, str>>) -> (usize, String) {
    let s = v.as_deref().unwrap_or("");
    match order.iter().position(|o| *o == s) {
        Some(i) => (i, String::new()),
        None => (order.len(), s.to_owned()),
    }
}

impl SortKey {
    /// The key of the finding whose compact text is `text`, read without building a value
    /// tree; `None` when the text does not have the usual shape (a field of another type, a
    /// member twice, a `null` where a string goes), for the caller to take [`SortKey::new`].
    pub(crate) fn from_text(text: &str, id: &str) -> Option<SortKey> {
        let f: KeyFields<'_> = serde_json::from_str(text).ok()?;
        let r = f.resource.as_ref();
        let [kind, resource_id, display_name, account] = match r {
            Some(r) => [&r.kind, &r.id, &r.display_name, &r.account].map(owned),
            None => [None, None, None, None],
        };
        Some(SortKey {
            check_id: owned(&f.check_id),
            account: account.clone(),
            resource_id: resource_id.clone(),
            status: rank_text(&STATUS_ORDER, &f.status),
            message: owned(&f.message),
            severity: rank_text(&SEVERITY_ORDER, &f.severity),
            resource: [kind, resource_id, display_name, account],
            tags: r.and_then(|r| r.tags).map(|t| t.get().to_owned()),
            evidence: f
                .evidence
                .iter()
                .flatten()
                .map(|e| [owned(&e.key), owned(&e.value), owned(&e.path)])
                .collect(),
            plugin: owned(&f.plugin),
            domain: owned(&f.domain),
            id: id.to_owned(),
        })
    }

    /// The content id it ends with.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// The key of finding `json` whose content id is `id`.
    pub(crate) fn new(json: &Json, id: &str) -> SortKey {
        let x = Some(json);
        let r = json.get("resource");
        let evidence = match json.get("evidence") {
            Some(Json::Array(items)) => items
                .iter()
                .map(|i| {
                    [
                        text(Some(i), "key"),
                        text(Some(i), "value"),
                        text(Some(i), "path"),
                    ]
                })
                .collect(),
            _ => Vec::new(),
        };
        SortKey {
            check_id: text(x, "check_id"),
            account: text(r, "account"),
            resource_id: text(r, "id"),
            status: rank(&STATUS_ORDER, json.get("status")),
            message: text(x, "message"),
            severity: rank(&SEVERITY_ORDER, json.get("severity")),
            resource: [
                text(r, "kind"),
                text(r, "id"),
                text(r, "display_name"),
                text(r, "account"),
            ],
            tags: r.and_then(|r| r.get("tags")).map(Json::compact),
            evidence,
            plugin: text(x, "plugin"),
            domain: text(x, "domain"),
            id: id.to_owned(),
        }
    }
}

/// The report's finding order (see the module doc); ties broken by content id.
pub(crate) fn compare(a: &StoredFinding, b: &StoredFinding) -> Ordering {
    a.key.cmp(&b.key)
}

/// Sorts findings into the default order.
pub(crate) fn sort_default(findings: &mut [StoredFinding]) {
    findings.sort_by(compare);
}

/// The permutation that takes the default order to the report's order (`order[i]` is the
/// default-order position of the report's `i`th finding), or `None` when they are the same.
pub(crate) fn permutation(findings: &[StoredFinding]) -> Option<Vec<usize>> {
    let mut idx: Vec<usize> = (0..findings.len()).collect();
    idx.sort_by(|&i, &j| compare(&findings[i], &findings[j]));
    if idx.iter().enumerate().all(|(pos, &i)| pos == i) {
        return None;
    }
    // idx[pos] = report index at default position pos; invert it.
    let mut order = vec![0; findings.len()];
    for (pos, &i) in idx.iter().enumerate() {
        order[i] = pos;
    }
    Some(order)
}

/// Applies a stored permutation to default-ordered findings.
pub(crate) fn apply(sorted: Vec<StoredFinding>, order: &[usize]) -> Result<Vec<StoredFinding>> {
    if order.len() != sorted.len() {
        return Err(Error::Stored(format!(
            "the run's finding order has {} entries for {} findings",
            order.len(),
            sorted.len()
        )));
    }
    let mut slots: Vec<Option<StoredFinding>> = sorted.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&pos| {
            slots
                .get_mut(pos)
                .and_then(Option::take)
                .ok_or_else(|| Error::Stored("the run's finding order is not a permutation".into()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(check: &str, id: &str, status: &str) -> StoredFinding {
        StoredFinding::new(
            Json::parse(&format!(
                r#"{{"check_id":"{check}","status":"{status}","resource":{{"kind":"user","id":"{id}"}}}}"#
            ))
            .unwrap(),
        )
    }

    #[test]
    fn status_orders_by_rank_not_by_name() {
        assert_eq!(
            compare(&f("a", "x", "fail"), &f("a", "x", "error")),
            Ordering::Less
        );
        assert_eq!(
            compare(&f("a", "x", "pass"), &f("a", "x", "not-evaluable")),
            Ordering::Greater
        );
        assert_eq!(
            compare(&f("a", "y", "fail"), &f("b", "x", "fail")),
            Ordering::Less
        );
    }

    #[test]
    fn render_prints_what_the_pretty_printer_prints() {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/expected/acme.report.json"
        );
        let acme = std::fs::read_to_string(root).unwrap();
        for text in [
            acme.as_str(),
            "{\n  \"findings\": []\n}\n",
            "{\n  \"a\": {},\n  \"findings\": [\n    {}\n  ],\n  \"findings\": 1\n}\n",
        ] {
            let split = split(text).unwrap();
            assert_eq!(render(&split.header, &split.findings), text);
        }
    }

    #[test]
    fn the_key_read_from_text_is_the_key_of_the_value() {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/expected/acme.report.json"
        );
        let acme = split(&std::fs::read_to_string(root).unwrap()).unwrap();
        let odd = [
            r#"{"check_id":"a\"b","resource":{"tags":{"x":"y"},"id":"é"},"evidence":[{"key":"k"}]}"#,
            r#"{"status":"weird","severity":"critical","evidence":[]}"#,
            "{}",
        ];
        let mut n = 0;
        for f in acme
            .findings
            .iter()
            .map(|f| f.json.clone())
            .chain(odd.map(|t| Json::parse(t).unwrap()))
        {
            let text = f.compact();
            assert_eq!(
                SortKey::from_text(&text, "id"),
                Some(SortKey::new(&f, "id")),
                "{text}"
            );
            n += 1;
        }
        assert!(n > 10);
        // Shapes it does not read: the caller falls back to the value tree.
        assert_eq!(SortKey::from_text(r#"{"check_id":1}"#, "id"), None);
        assert_eq!(
            SortKey::from_text(r#"{"status":"a","status":"b"}"#, "id"),
            None
        );
    }

    #[test]
    fn permutation_round_trips() {
        let report = vec![
            f("b", "x", "fail"),
            f("a", "x", "pass"),
            f("a", "x", "fail"),
        ];
        let order = permutation(&report).unwrap();
        let mut sorted = report.clone();
        sort_default(&mut sorted);
        let back = apply(sorted, &order).unwrap();
        let ids = |v: &[StoredFinding]| v.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&back), ids(&report));
        let mut sorted = report;
        sort_default(&mut sorted);
        assert_eq!(permutation(&sorted), None);
    }
}
