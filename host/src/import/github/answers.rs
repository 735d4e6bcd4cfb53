//! Reading one saved GitHub REST answer: a JSON object (one resource), the pages of a list
//! endpoint (one array, or several arrays one after another as `gh api --paginate` writes
//! them, or an array of page arrays as `gh api --paginate --slurp` writes them), or the
//! error body GitHub answered with (`{"message": …, "status": …}`).

use crate::import::common::ImportError;
use crate::import::files::{ExportFiles, parse_value};
use crate::snapshot::strip_json_position;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What an export file says about one call.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Reply<T> {
    /// The call succeeded; its parsed response.
    Ok(T),
    /// GitHub answered with an error body.
    Error(ApiError),
    /// No file: the call was not made (or not collected).
    Missing,
}

impl<T> Reply<T> {
    /// The response, if the call succeeded.
    pub(super) fn ok(self) -> Option<T> {
        match self {
            Reply::Ok(v) => Some(v),
            _ => None,
        }
    }
}

/// An error GitHub answered with.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ApiError {
    /// The HTTP status, when the body (or the collector) records it.
    pub(super) status: Option<u16>,
    /// GitHub's `message`, e.g. `Branch not protected`, `Not Found`, `Must have admin rights
    /// to Repository.`
    pub(super) message: String,
}

/// The error a saved body states: a JSON object with a string `message` (GitHub's error
/// bodies; no success answer posture reads has that member).
fn api_error(value: &Value) -> Option<ApiError> {
    let object = value.as_object()?;
    let message = object.get("message")?.as_str()?.to_string();
    let status = match object.get("status") {
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        _ => None,
    };
    Some(ApiError { status, message })
}

fn json_error(files: &ExportFiles, rel: &str, pointer: String, message: String) -> ImportError {
    ImportError::Json {
        path: files.display(rel),
        pointer,
        message: strip_json_position(&message),
    }
}

/// Reads `rel` as the answer of a call that returns one object.
pub(super) fn object<T: DeserializeOwned>(
    files: &mut ExportFiles,
    rel: &str,
) -> Result<Reply<T>, ImportError> {
    let Some(text) = files.text(rel)? else {
        return Ok(Reply::Missing);
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| json_error(files, rel, "/".into(), e.to_string()))?;
    if let Some(error) = api_error(&value) {
        return Ok(Reply::Error(error));
    }
    parse_value(value)
        .map(Reply::Ok)
        .map_err(|(pointer, e)| json_error(files, rel, pointer, e.to_string()))
}

/// Reads `rel` as the pages of a list call, all items in order (duplicates kept: the caller
/// merges them). An error body in place of the pages is the call's error.
pub(super) fn list<T: DeserializeOwned>(
    files: &mut ExportFiles,
    rel: &str,
) -> Result<Reply<Vec<T>>, ImportError> {
    let Some(text) = files.text(rel)? else {
        return Ok(Reply::Missing);
    };
    let mut documents = Vec::new();
    for document in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
        let document = document.map_err(|e| {
            json_error(
                files,
                rel,
                format!("/ (document {})", documents.len() + 1),
                e.to_string(),
            )
        })?;
        documents.push(document);
    }
    if let [only] = documents.as_slice()
        && let Some(error) = api_error(only)
    {
        return Ok(Reply::Error(error));
    }
    // `--slurp`: one array whose elements are the page arrays.
    if let [Value::Array(pages)] = documents.as_slice()
        && !pages.is_empty()
        && pages.iter().all(Value::is_array)
    {
        documents = pages.clone();
    }
    let several = documents.len() > 1;
    let mut items = Vec::new();
    for (page, document) in documents.into_iter().enumerate() {
        let where_ = |index: Option<usize>, inner: &str| {
            let mut pointer = String::new();
            if let Some(i) = index {
                pointer.push_str(&format!("/{i}"));
            }
            if inner != "/" || pointer.is_empty() {
                pointer.push_str(inner);
            }
            if several {
                format!("{pointer} (page {})", page + 1)
            } else {
                pointer
            }
        };
        let Value::Array(entries) = document else {
            return Err(json_error(
                files,
                rel,
                where_(None, "/"),
                "expected a JSON array of results (one page of a list answer)".into(),
            ));
        };
        for (i, entry) in entries.into_iter().enumerate() {
            let item = parse_value(entry).map_err(|(inner, e)| {
                json_error(files, rel, where_(Some(i), &inner), e.to_string())
            })?;
            items.push(item);
        }
    }
    Ok(Reply::Ok(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        login: String,
    }

    fn files_with(name: &str, body: &str) -> (tempfile::TempDir, ExportFiles) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(name), body).expect("write");
        let files = ExportFiles::open_dir(dir.path()).expect("open");
        (dir, files)
    }

    fn logins(reply: Reply<Vec<Item>>) -> Vec<String> {
        reply
            .ok()
            .expect("a list")
            .into_iter()
            .map(|i| i.login)
            .collect()
    }

    #[test]
    fn pages_one_array_concatenated_or_slurped() {
        for body in [
            r#"[{"login": "a"}, {"login": "b"}]"#,
            "[{\"login\": \"a\"}]\n[{\"login\": \"b\"}]",
            r#"[[{"login": "a"}], [{"login": "b"}]]"#,
        ] {
            let (_d, mut files) = files_with("m.json", body);
            assert_eq!(
                logins(list(&mut files, "m.json").expect("reads")),
                ["a", "b"]
            );
        }
        let (_d, mut files) = files_with("m.json", "[]");
        assert!(logins(list(&mut files, "m.json").expect("reads")).is_empty());
    }

    #[test]
    fn error_bodies_missing_files_and_wrong_types() {
        let (_d, mut files) = files_with(
            "m.json",
            r#"{"message": "Only owners can use this filter.", "status": "422"}"#,
        );
        assert_eq!(
            list::<Item>(&mut files, "m.json").expect("reads"),
            Reply::Error(ApiError {
                status: Some(422),
                message: "Only owners can use this filter.".into()
            })
        );
        assert_eq!(
            object::<Item>(&mut files, "absent.json").expect("reads"),
            Reply::Missing
        );
        let (_d, mut files) = files_with("m.json", "[{\"login\": \"a\"}]\n[{\"login\": 7}]");
        let e = list::<Item>(&mut files, "m.json").expect_err("wrong type");
        assert!(e.to_string().contains("/0/login (page 2)"), "{e}");
        let (_d, mut files) = files_with("m.json", "[{\"login\": \"a\"}");
        let e = list::<Item>(&mut files, "m.json").expect_err("truncated");
        assert!(e.to_string().contains("m.json"), "{e}");
        let (_d, mut files) = files_with("m.json", r#"{"login": "a"}"#);
        let e = list::<Item>(&mut files, "m.json").expect_err("not a list");
        assert!(e.to_string().contains("expected a JSON array"), "{e}");
    }
}
