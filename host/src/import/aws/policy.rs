//! Reading IAM policy documents: whether a policy grants administrative rights, whether a
//! bucket policy makes a bucket public, and whether it refuses unencrypted transport.

use serde_json::Value;

/// A policy document as AWS answers carry it: a JSON object (CLI, SDKs), a JSON string
/// (`get-bucket-policy`), or a URL-encoded JSON string (the raw IAM API).
pub fn document(raw: &Value) -> Option<Value> {
    match raw {
        Value::Object(_) => Some(raw.clone()),
        Value::String(s) => serde_json::from_str(s).ok().or_else(|| {
            let decoded = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
            serde_json::from_str(&decoded).ok()
        }),
        _ => None,
    }
}

/// The statements of a document (`Statement` may be one object or a list).
fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

/// The strings of a field that may be one string or a list of strings.
fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn effect_is(stmt: &Value, effect: &str) -> bool {
    stmt.get("Effect").and_then(Value::as_str) == Some(effect)
}

/// The document allows every action on every resource (`"Action": "*"`, `"Resource": "*"`):
/// what `AdministratorAccess` grants.
pub fn grants_admin(doc: &Value) -> bool {
    statements(doc).into_iter().any(|s| {
        effect_is(s, "Allow")
            && strings(s.get("Action"))
                .iter()
                .any(|a| *a == "*" || *a == "*:*")
            && strings(s.get("Resource")).contains(&"*")
    })
}

/// The name of AWS's managed administrator policy.
pub const ADMIN_POLICY_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// Anyone (`"Principal": "*"` or `{"AWS": "*"}`) is allowed, without a condition.
fn to_anyone(stmt: &Value) -> bool {
    let anyone = match stmt.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(o)) => strings(o.get("AWS")).contains(&"*"),
        _ => false,
    };
    anyone && effect_is(stmt, "Allow") && stmt.get("Condition").is_none()
}

/// (public read, public write) granted by a bucket policy.
pub fn bucket_policy_public(doc: &Value) -> (bool, bool) {
    let mut read = false;
    let mut write = false;
    for s in statements(doc).into_iter().filter(|s| to_anyone(s)) {
        for action in strings(s.get("Action")) {
            let a = action.to_ascii_lowercase();
            if a == "*" || a == "s3:*" {
                read = true;
                write = true;
            } else if a.starts_with("s3:get") || a.starts_with("s3:list") {
                read = true;
            } else if a.starts_with("s3:put") || a.starts_with("s3:delete") {
                write = true;
            }
        }
    }
    (read, write)
}

/// The policy denies requests made without TLS (`aws:SecureTransport` = false).
pub fn denies_insecure_transport(doc: &Value) -> bool {
    statements(doc).into_iter().any(|s| {
        effect_is(s, "Deny")
            && s.get("Condition")
                .and_then(|c| c.get("Bool"))
                .and_then(|b| b.get("aws:SecureTransport"))
                .is_some_and(|v| {
                    matches!(v, Value::String(s) if s == "false") || *v == Value::Bool(false)
                })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn admin_documents() {
        let admin = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        assert!(grants_admin(&admin));
        let scoped = json!({"Statement": {"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}});
        assert!(!grants_admin(&scoped));
        let encoded = Value::String(
            "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D".into(),
        );
        assert!(grants_admin(&document(&encoded).expect("decodes")));
    }

    #[test]
    fn bucket_policies() {
        let public = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]});
        assert_eq!(bucket_policy_public(&public), (true, false));
        let conditioned = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}]});
        assert_eq!(bucket_policy_public(&conditioned), (false, false));
        let tls = json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert!(denies_insecure_transport(&tls));
        assert!(!denies_insecure_transport(&public));
    }
}
