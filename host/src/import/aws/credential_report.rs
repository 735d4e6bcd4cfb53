//! The IAM credential report (`aws iam get-credential-report`): a CSV, base64-encoded by the
//! CLI, with one row per IAM user and one for the root user (`<root_account>`).

use super::time;
use base64::Engine;

/// One row of the report, with the values posture uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `user`; `<root_account>` for root.
    pub user: String,
    /// `arn`.
    pub arn: String,
    /// `user_creation_time`.
    pub created: Option<i64>,
    /// `password_enabled` (`not_supported` for root: root always has a password).
    pub password_enabled: Option<bool>,
    /// `password_last_used`.
    pub password_last_used: Option<i64>,
    /// `password_last_changed`.
    pub password_last_changed: Option<i64>,
    /// `mfa_active`.
    pub mfa_active: Option<bool>,
    /// Access keys 1 and 2: (active, last rotated, last used).
    pub access_keys: [KeyColumns; 2],
    /// Signing certificates 1 and 2: (active, last rotated).
    pub certificates: [KeyColumns; 2],
}

impl Row {
    /// The root user's row.
    pub fn is_root(&self) -> bool {
        self.user == "<root_account>"
    }
}

/// The columns of one access key or certificate.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct KeyColumns {
    /// `*_active`.
    pub active: Option<bool>,
    /// `*_last_rotated` (creation or last rotation).
    pub last_rotated: Option<i64>,
    /// `access_key_*_last_used_date`.
    pub last_used: Option<i64>,
}

/// The `Content` of the answer: base64 (as the CLI prints it) or the CSV itself (as SDK dumps
/// hold it) → CSV text.
pub fn decode(content: &str) -> Result<String, String> {
    let trimmed = content.trim_start();
    if trimmed.starts_with("user,") {
        return Ok(content.to_string());
    }
    let compact: String = content.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| format!("`Content` is neither a CSV nor base64 ({e})"))?;
    String::from_utf8(bytes).map_err(|_| "`Content` decodes to bytes that are not UTF-8".into())
}

/// Parses the CSV. Columns are found by header name; unknown columns are ignored.
pub fn parse(csv_text: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("not a CSV credential report: {e}"))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(user), Some(arn)) = (col("user"), col("arn")) else {
        return Err("not a credential report: no `user` and `arn` columns".into());
    };
    let key_cols = |prefix: &str| {
        (
            col(&format!("{prefix}_active")),
            col(&format!("{prefix}_last_rotated")),
            col(&format!("{prefix}_last_used_date")),
        )
    };
    let keys = [key_cols("access_key_1"), key_cols("access_key_2")];
    let certs = [key_cols("cert_1"), key_cols("cert_2")];
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", n + 2))?;
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let flag = |i: Option<usize>| -> Result<Option<bool>, String> {
            match get(i) {
                "true" | "TRUE" => Ok(Some(true)),
                "false" | "FALSE" => Ok(Some(false)),
                "" | "N/A" | "not_supported" | "no_information" => Ok(None),
                other => Err(format!("row {}: `{other}` is not true or false", n + 2)),
            }
        };
        let when = |i: Option<usize>| time::parse(get(i));
        let columns = |(a, r, u): (Option<usize>, Option<usize>, Option<usize>)| {
            Ok::<_, String>(KeyColumns {
                active: flag(a)?,
                last_rotated: when(r),
                last_used: when(u),
            })
        };
        rows.push(Row {
            user: get(Some(user)).to_string(),
            arn: get(Some(arn)).to_string(),
            created: when(col("user_creation_time")),
            password_enabled: flag(col("password_enabled"))?,
            password_last_used: when(col("password_last_used")),
            password_last_changed: when(col("password_last_changed")),
            mfa_active: flag(col("mfa_active"))?,
            access_keys: [columns(keys[0])?, columns(keys[1])?],
            certificates: [columns(certs[0])?, columns(certs[1])?],
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::1:root,2016-05-16T18:13:11+00:00,not_supported,2016-10-06T15:47:11+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
andrew,arn:aws:iam::1:user/andrew,2016-08-30T17:37:35+00:00,true,no_information,2016-08-30T18:24:44+00:00,N/A,false,true,2016-10-11T15:27:35+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";

    #[test]
    fn rows_and_not_applicable_values() {
        let rows = parse(CSV).expect("parses");
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_root());
        assert_eq!(rows[0].password_enabled, None);
        assert_eq!(rows[0].mfa_active, Some(true));
        assert_eq!(rows[1].password_enabled, Some(true));
        assert_eq!(rows[1].password_last_used, None);
        assert_eq!(rows[1].access_keys[0].active, Some(true));
        assert!(rows[1].access_keys[0].last_rotated.is_some());
        assert_eq!(rows[1].access_keys[1].active, Some(false));
    }

    #[test]
    fn base64_and_garbage() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(CSV);
        assert_eq!(decode(&b64).expect("base64"), CSV);
        assert_eq!(decode(CSV).expect("plain"), CSV);
        assert!(decode("%%%").is_err());
        assert!(parse("a,b\n1,2\n").is_err());
        let bad = CSV.replace(",false,true,2016-10-11", ",maybe,true,2016-10-11");
        assert!(parse(&bad).unwrap_err().contains("row 3"));
    }
}
