//! The host library's module graph: every file of `host/src` is a module; an edge is a path
//! one module names (`crate::…`, `super::…`, `self::…` or a child module's name, comments
//! left out), resolved to the longest module that exists. Test modules (`#[cfg(test)]` to the
//! end of a file) are left out.
//!
//! Two graphs must have no cycle: the top-level modules (`report`, `session`, `runtime`, …,
//! every file folded into its top-level module), and the files, where a module naming one of
//! its own ancestors (a folder's files using the items their `mod.rs` defines) is not an
//! edge. The report wing and the contract room must not reach into the session or the
//! runtime.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`report::build`) → source without its test module.
fn modules() -> BTreeMap<String, String> {
    let src = posture_e2e::root().join("host/src");
    let mut out = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read host/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).expect("under src");
            let mut parts: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).expect("read");
            let code = match text.find("#[cfg(test)]") {
                Some(i) => &text[..i],
                None => &text[..],
            };
            let code: String = code
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            out.insert(parts.join("::"), code);
        }
    }
    out
}

/// The modules `code` (of module `me`) names.
fn edges(me: &str, code: &str, all: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let parent = me.rsplit_once("::").map_or("", |(p, _)| p).to_string();
    // `super::{A, B}` splits into `super::` here, which names the parent itself.
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| w.contains("::"))
        .collect();
    for w in words {
        let segs: Vec<&str> = w.split("::").filter(|s| !s.is_empty()).collect();
        let (base, rest): (String, &[&str]) = match segs.first() {
            Some(&"crate") => (String::new(), &segs[1..]),
            Some(&"super") => (parent.clone(), &segs[1..]),
            Some(&"self") => (me.to_string(), &segs[1..]),
            Some(first) => {
                let child = if me.is_empty() {
                    (*first).to_string()
                } else {
                    format!("{me}::{first}")
                };
                if all.contains_key(&child) {
                    (me.to_string(), &segs[..])
                } else {
                    continue;
                }
            }
            None => continue,
        };
        let mut best = None;
        let mut cur = base.clone();
        if all.contains_key(&cur) && !cur.is_empty() {
            best = Some(cur.clone());
        }
        for s in rest {
            cur = if cur.is_empty() {
                (*s).to_string()
            } else {
                format!("{cur}::{s}")
            };
            if all.contains_key(&cur) {
                best = Some(cur.clone());
            } else {
                break;
            }
        }
        if let Some(b) = best
            && b != me
        {
            out.insert(b);
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let all = modules();
    all.iter()
        .map(|(m, code)| (m.clone(), edges(m, code, &all)))
        .collect()
}

/// `a` is `b` or inside it.
fn within(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}::"))
}

fn top(m: &str) -> String {
    m.split("::").next().unwrap_or("").to_string()
}

/// A cycle through `start`, if any (depth-first search).
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = path.iter().position(|p| p == m).unwrap_or(0);
                    let mut cycle = path[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, g, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, g, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_top_level_modules_have_no_cycle() {
    let g = graph();
    assert!(g.len() > 40, "found only {} modules", g.len());
    let mut tops: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, targets) in &g {
        let entry = tops.entry(top(m)).or_default();
        for t in targets {
            if top(t) != top(m) {
                entry.insert(top(t));
            }
        }
    }
    assert!(
        tops["session"].contains("report"),
        "the graph misses edges: {tops:?}"
    );
    if let Some(c) = find_cycle(&tops) {
        panic!("import cycle between top-level modules: {}", c.join(" → "));
    }
}

#[test]
fn the_files_have_no_cycle() {
    let g: BTreeMap<String, BTreeSet<String>> = graph()
        .into_iter()
        .map(|(m, targets)| {
            let kept = targets.into_iter().filter(|t| !within(&m, t)).collect();
            (m, kept)
        })
        .collect();
    if let Some(c) = find_cycle(&g) {
        panic!("import cycle: {}", c.join(" → "));
    }
}

#[test]
fn the_report_wing_and_the_contract_room_stay_in_their_lanes() {
    let g = graph();
    for (m, targets) in &g {
        let forbidden: &[&str] = match top(m).as_str() {
            "report" => &["session", "runtime", "config", "import"],
            "contract" => &[
                "session", "runtime", "snapshot", "report", "config", "import",
            ],
            "model" => &[
                "session", "runtime", "report", "config", "import", "snapshot",
            ],
            "runtime" => &["session", "report", "config", "import"],
            _ => &[],
        };
        for t in targets {
            assert!(
                !forbidden.contains(&top(t).as_str()),
                "{m} imports {t}, which its layer must not"
            );
        }
    }
}

#[test]
fn no_host_source_file_is_over_600_lines() {
    let root = posture_e2e::root();
    let mut stack = vec![
        root.join("host/src"),
        root.join("host/cli/src"),
        root.join("host/author/src"),
    ];
    let mut long = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                // Tests next to the code do not count.
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                let n = code.lines().count();
                if n > 600 {
                    long.push(format!("{} ({n} lines)", rel(&root, &path)));
                }
            }
        }
    }
    assert!(long.is_empty(), "split these: {long:?}");
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}
