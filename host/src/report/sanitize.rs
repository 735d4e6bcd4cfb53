//! What plugins and snapshots say, made safe for the renderings people read. A plugin's
//! message or a snapshot's name is untrusted text: in the text and Markdown renderings its
//! control characters (ESC and OSC sequences that rewrite a terminal, carriage returns and
//! newlines that forge lines, C1 controls) and the Unicode direction overrides that reorder
//! what a reader sees are shown as visible escapes (`\u{1b}`); in CSV, a cell a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return)
//! gets a leading apostrophe. Machine formats (JSON, SARIF, OCSF, JUnit) carry the text as
//! it is, escaped by their own syntax.

use super::model::Report;
use std::borrow::Cow;

/// Whether `c` must not reach a terminal or a Markdown page as it is.
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character written as a visible `\u{…}` escape (`\n` as `\n`).
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` (lines built by a renderer without escapes of its own) with every line made
/// [`printable`]; the line breaks between lines stay.
pub fn printable_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(&printable(body));
        out.push_str(end);
    }
    out
}

/// `cell` as a spreadsheet reads it without running it: a leading apostrophe before a
/// formula's first character.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// `report` with every string made [`printable`]; borrowed when nothing needs it (the usual
/// case: one serialisation and a byte scan, no tree of values).
pub fn for_humans(report: &Report) -> Cow<'_, Report> {
    let Ok(json) = serde_json::to_vec(report) else {
        return Cow::Borrowed(report);
    };
    if !json_has_unsafe_text(&json) {
        return Cow::Borrowed(report);
    }
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&json) else {
        return Cow::Borrowed(report);
    };
    escape_strings(&mut value);
    match serde_json::from_value(value) {
        Ok(clean) => Cow::Owned(clean),
        Err(_) => Cow::Borrowed(report),
    }
}

/// Whether compact JSON text (as serde_json writes it) holds a string with an unsafe
/// character: a `\uXXXX`, `\n`, `\r`, `\t`, `\b` or `\f` escape (C0 controls), DEL, a C1
/// control (UTF-8 `C2 80`–`C2 9F`) or a direction override (`E2 80 AA`–`AE`, `E2 81 A6`–`A9`).
fn json_has_unsafe_text(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'\\' => match json.get(i + 1) {
                Some(b'u' | b'n' | b'r' | b't' | b'b' | b'f') => return true,
                _ => i += 2,
            },
            0x7f => return true,
            0xc2 if json.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) => return true,
            0xe2 => match (json.get(i + 1), json.get(i + 2)) {
                (Some(0x80), Some(b)) if (0xaa..=0xae).contains(b) => return true,
                (Some(0x81), Some(b)) if (0xa6..=0xa9).contains(b) => return true,
                _ => i += 1,
            },
            _ => i += 1,
        }
    }
    false
}

/// Escapes every string in `v` (object keys too); whether anything changed.
fn escape_strings(v: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => match printable(s) {
            Cow::Borrowed(_) => false,
            Cow::Owned(clean) => {
                *s = clean;
                true
            }
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |acc, i| escape_strings(i) | acc),
        Value::Object(map) => {
            let mut changed = false;
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                if let Some(mut item) = map.remove(&k) {
                    changed |= escape_strings(&mut item);
                    let key = printable(&k).into_owned();
                    changed |= key != k;
                    map.insert(key, item);
                }
            }
            changed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, ResourceRef, Severity, Status};

    #[test]
    fn control_characters_and_direction_overrides_become_visible() {
        assert_eq!(printable("plain text é"), "plain text é");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{1b}[2Kb"), "a\\u{1b}[2Kb");
        assert_eq!(printable("x\ny\rz"), "x\\ny\\rz");
        assert_eq!(printable("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(printable("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
    }

    #[test]
    fn lines_keep_their_breaks_and_lose_their_controls() {
        assert_eq!(printable_lines("a\nb\u{1b}[2K\n"), "a\nb\\u{1b}[2K\n");
        assert_eq!(printable_lines("x\ry"), "x\\ry");
        assert_eq!(printable_lines(""), "");
    }

    #[test]
    fn formulas_are_defused_and_other_cells_kept() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for c in ["+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_cell(c).starts_with('\''), "{c:?}");
        }
        assert_eq!(csv_cell("alice"), "alice");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn a_report_is_copied_only_when_it_must_be() {
        let f = |message: &str| Finding {
            check_id: "c.one".into(),
            plugin: "p".into(),
            domain: "d".into(),
            status: Status::Fail,
            severity: Severity::High,
            resource: ResourceRef {
                kind: "k".into(),
                id: "r".into(),
                display_name: Some("name".into()),
                account: None,
                tags: Default::default(),
            },
            message: message.into(),
            evidence: Vec::new(),
            waiver: None,
        };
        let clean = crate::report::build::test_support::report_of(vec![f("fine \\ \"quoted\" é")]);
        assert!(matches!(for_humans(&clean), Cow::Borrowed(_)));
        let hostile = crate::report::build::test_support::report_of(vec![f("\u{1b}]0;x\u{7}")]);
        let safe = for_humans(&hostile);
        assert_eq!(safe.findings[0].message, "\\u{1b}]0;x\\u{7}");
        assert_eq!(safe.summary, hostile.summary);
        for unsafe_text in ["\u{7f}", "\u{85}", "a\u{2067}b", "tab\there"] {
            let r = crate::report::build::test_support::report_of(vec![f(unsafe_text)]);
            assert!(matches!(for_humans(&r), Cow::Owned(_)), "{unsafe_text:?}");
        }
    }
}
