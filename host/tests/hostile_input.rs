//! Hostile snapshot input: every case ends in a clear error (origin, JSON path where there is
//! one) or a correct load, never a panic, a hang or a partial snapshot.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::snapshot::{SnapshotError, from_slice, load_capped};

const HEAD: &str = r#"{"schema":"posture.snapshot/v1","captured_at":"2026-11-20T09:00:00Z","accounts":[{"id":"a","provider":"aws"}],"principals":["#;

fn doc(principal: &str) -> String {
    format!("{HEAD}{principal}]}}")
}

fn err(json: &str) -> SnapshotError {
    match from_slice(json.as_bytes(), "hostile.json") {
        Ok(_) => panic!("hostile input was accepted"),
        Err(e) => e,
    }
}

#[test]
fn truncated_and_empty_documents() {
    let full = doc(r#"{"id":"u","kind":"user","name":"n"}"#);
    for cut in [0, 1, full.len() / 3, full.len() - 1] {
        let e = err(&full[..cut]);
        assert!(e.to_string().starts_with("hostile.json"), "{e}");
    }
}

#[test]
fn nesting_100_000_deep_is_an_error_in_known_fields_and_no_crash_anywhere() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = err(&doc(&format!(
        r#"{{"id":"u","kind":"user","name":{deep}}}"#
    )));
    assert_eq!(e.json_path(), Some("/principals/0/name"), "{e}");
    // In an unknown field or in `attributes` it must not overflow the stack either.
    let r = from_slice(
        doc(&format!(
            r#"{{"id":"u","kind":"user","name":"n","x":{deep}}}"#
        ))
        .as_bytes(),
        "hostile.json",
    );
    if let Err(e) = r {
        assert!(e.to_string().contains("recursion"), "{e}");
    }
    let deep_obj = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    let r = from_slice(
        doc(&format!(
            r#"{{"id":"u","kind":"user","name":"n","attributes":{deep_obj}}}"#
        ))
        .as_bytes(),
        "hostile.json",
    );
    if let Err(e) = r {
        assert_eq!(e.json_path(), Some("/principals/0/attributes"), "{e}");
    }
}

#[test]
fn a_100_mb_string_loads_intact() {
    let big = "x".repeat(100 << 20);
    let s = from_slice(
        doc(&format!(r#"{{"id":"u","kind":"user","name":"{big}"}}"#)).as_bytes(),
        "big.json",
    )
    .expect("a large but valid document loads");
    let principals = s.principals().expect("principals");
    assert_eq!(principals[0].name.len(), 100 << 20);
}

#[test]
fn nan_huge_and_out_of_range_numbers_name_their_paths() {
    let e = err(&doc(r#"{"id":"u","kind":"user","name":"n","admin":NaN}"#));
    assert!(
        e.to_string().contains("/principals/0/admin")
            || e.json_path() == Some("/principals/0/admin"),
        "{e}"
    );
    let tail =
        r#"],"audit_logs":[{"id":"t","name":"t","service":"cloudtrail","retention_days":RET}]}"#;
    for ret in ["1e400", "4294967296", "-1", "1.5"] {
        let json = format!("{HEAD}{}", tail.replace("RET", ret));
        let e = err(&json);
        assert_eq!(
            e.json_path(),
            Some("/audit_logs/0/retention_days"),
            "{ret}: {e}"
        );
    }
}

#[test]
fn duplicate_keys_are_rejected() {
    let e = err(&doc(r#"{"id":"u","kind":"user","name":"n","name":"m"}"#));
    assert!(e.to_string().contains("duplicate field"), "{e}");
}

#[test]
fn non_utf8_and_bom_in_the_middle() {
    let mut bytes = doc(r#"{"id":"u","kind":"user","name":"n"}"#).into_bytes();
    bytes[HEAD.len() + 30] = 0xff;
    let e = from_slice(&bytes, "bin.json").expect_err("non-UTF-8");
    assert!(e.to_string().contains("not UTF-8"), "{e}");
    let e = err(&format!(
        "\u{feff}\u{feff}{}",
        doc(r#"{"id":"u","kind":"user","name":"n"}"#)
    ));
    assert!(e.to_string().starts_with("hostile.json"), "{e}");
}

#[test]
fn files_over_the_size_cap_are_refused_before_parsing() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("huge.json");
    // A sparse 3 GiB file: refused from its size, never read.
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(3 << 30).expect("sparse file");
    let e = load_capped(&path, 1 << 30).expect_err("too large");
    assert!(
        matches!(
            e,
            SnapshotError::TooLarge {
                size_mib: 3072,
                limit_mib: 1024,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("--max-snapshot-mib"), "{e}");
}
