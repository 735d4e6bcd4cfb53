//! Writing a long JSON array one element at a time, byte for byte as `serde_json`'s pretty
//! printer writes the whole array, so that renderers (SARIF results, OCSF events) hold one
//! element in memory instead of every finding's.

use serde::Serialize;
use std::io::Write;

/// A pretty-printed JSON array being written to `w`, at `depth` levels of nesting (two
/// spaces each) in the document around it.
pub(super) struct PrettyArray<'w> {
    w: &'w mut dyn Write,
    depth: usize,
    empty: bool,
    element: Vec<u8>,
}

impl<'w> PrettyArray<'w> {
    /// Opens the array (writes `[`).
    pub(super) fn new(w: &'w mut dyn Write, depth: usize) -> std::io::Result<PrettyArray<'w>> {
        w.write_all(b"[")?;
        Ok(PrettyArray {
            w,
            depth,
            empty: true,
            element: Vec::new(),
        })
    }

    /// Writes one element.
    pub(super) fn push(&mut self, value: &impl Serialize) -> std::io::Result<()> {
        self.element.clear();
        serde_json::to_writer_pretty(&mut self.element, value)?;
        self.w.write_all(if self.empty { b"\n" } else { b",\n" })?;
        self.empty = false;
        let indent = "  ".repeat(self.depth + 1);
        // JSON text never holds a raw newline inside a string: every newline is layout.
        for (i, line) in self.element.split(|b| *b == b'\n').enumerate() {
            if i > 0 {
                self.w.write_all(b"\n")?;
            }
            self.w.write_all(indent.as_bytes())?;
            self.w.write_all(line)?;
        }
        Ok(())
    }

    /// Closes the array (`]`, on a line of its own unless it is empty).
    pub(super) fn finish(self) -> std::io::Result<()> {
        if !self.empty {
            self.w.write_all(b"\n")?;
            self.w.write_all("  ".repeat(self.depth).as_bytes())?;
        }
        self.w.write_all(b"]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn streamed(items: &[Value], depth: usize) -> String {
        let mut out = Vec::new();
        let mut a = PrettyArray::new(&mut out, depth).expect("open");
        for v in items {
            a.push(v).expect("push");
        }
        a.finish().expect("finish");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn the_same_bytes_as_the_whole_array_pretty_printed() {
        let items = vec![
            json!({ "a": 1, "b": [1, 2, { "c": "x\ny" }], "e": [], "o": {} }),
            json!("text with \"quotes\" and \\n"),
            json!([]),
        ];
        for n in 0..=items.len() {
            let whole = serde_json::to_string_pretty(&items[..n]).expect("pretty");
            assert_eq!(streamed(&items[..n], 0), whole, "{n} elements");
        }
        // Nested: as the value of a key at depth 1.
        let doc = json!({ "k": items });
        let whole = serde_json::to_string_pretty(&doc).expect("pretty");
        let nested = format!("{{\n  \"k\": {}\n}}", streamed(&items, 1));
        assert_eq!(nested, whole);
    }
}
