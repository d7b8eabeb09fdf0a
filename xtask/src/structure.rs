//! The shape rules of docs/architecture.md that the compiler does not check, read from
//! the source: no import cycle between the modules of a crate, and no source file a
//! person cannot hold in their head (over [`MAX_LINES`] lines).
//!
//! A module's imports are the paths it names (`crate::a::b`, `super::c`, `self::d`,
//! also inside `use` groups), resolved through the `pub use` re-exports of the module
//! they land in. Two sibling modules depend on each other when anything inside one names
//! anything inside the other; a parent and its own children never count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest `.rs` file allowed under `crates/*/src` and `bins/`.
pub const MAX_LINES: usize = 700;

/// A module path inside one crate: `["extract", "lines"]`; the crate root is empty.
type ModPath = Vec<String>;

/// One crate's modules: each one's source text and its explicit re-exports.
struct Crate {
    sources: BTreeMap<ModPath, String>,
    /// `(module, name)` → the path the module re-exports under that name.
    reexports: BTreeMap<(ModPath, String), ModPath>,
}

fn module_path(src: &Path, file: &Path) -> ModPath {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if !matches!(stem, "mod" | "lib" | "main") {
            parts.push(stem.to_owned());
        }
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Strips comments and string literals, so that paths in prose or text are not imports.
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('x', '\n') or a lifetime ('a): skip only the former.
                let mut lookahead = chars.clone();
                let literal = matches!(
                    (lookahead.next(), lookahead.next()),
                    (Some('\\'), _) | (Some(_), Some('\''))
                );
                if literal {
                    let mut escaped = false;
                    for c in chars.by_ref() {
                        if escaped {
                            escaped = false;
                        } else if c == '\\' {
                            escaped = true;
                        } else if c == '\'' {
                            break;
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path starting with `crate`, `super` or `self` in `code`, with `use` groups
/// (`a::{b, c::d}`) expanded, as lists of segments.
fn paths(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if starts_word {
            for head in ["crate", "super", "self"] {
                let end = i + head.len();
                if chars.len() > end + 1
                    && chars[i..end].iter().copied().eq(head.chars())
                    && chars[end] == ':'
                    && chars[end + 1] == ':'
                {
                    let mut tail = Vec::new();
                    let next = read_tree(&chars, i, &mut Vec::new(), &mut tail);
                    found.extend(tail);
                    i = next.max(i + 1);
                    break;
                }
            }
        }
        i += 1;
    }
    found
}

/// Reads a path or use-tree at `i` (prefix already read into `prefix`), pushing each
/// complete path into `out`; returns the index after it.
fn read_tree(
    chars: &[char],
    mut i: usize,
    prefix: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    let depth = prefix.len();
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i < chars.len() && chars[i] == '{' {
            i += 1;
            loop {
                while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                    i += 1;
                }
                if i >= chars.len() || chars[i] == '}' {
                    i += 1;
                    break;
                }
                i = read_tree(chars, i, prefix, out);
            }
            prefix.truncate(depth);
            return i;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '*')
        {
            i += 1;
        }
        if start == i {
            break;
        }
        prefix.push(chars[start..i].iter().collect());
        if i + 1 < chars.len() && chars[i] == ':' && chars[i + 1] == ':' {
            i += 2;
            continue;
        }
        break;
    }
    out.push(prefix.clone());
    prefix.truncate(depth);
    i
}

impl Crate {
    fn load(src: &Path) -> Self {
        let mut files = Vec::new();
        rust_files(src, &mut files);
        let mut sources = BTreeMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            sources.insert(module_path(src, &file), code_only(&text));
        }
        let mut krate = Self {
            sources,
            reexports: BTreeMap::new(),
        };
        let mut reexports = BTreeMap::new();
        for (module, code) in &krate.sources {
            let exported = ["pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .flat_map(|marker| code.match_indices(marker).map(|(at, m)| at + m.len()));
            for start in exported {
                let mut tree = Vec::new();
                // A `use` ends at its semicolon: read only that far.
                let statement = code[start..].split(';').next().unwrap_or_default();
                let chars: Vec<char> = statement.chars().collect();
                read_tree(&chars, 0, &mut Vec::new(), &mut tree);
                for path in tree {
                    let Some(name) = path.last().cloned() else {
                        continue;
                    };
                    let target = krate.absolute(module, &path);
                    reexports.insert((module.clone(), name), target);
                }
            }
        }
        krate.reexports = reexports;
        krate
    }

    /// `path` as written in `module`, made absolute (`crate::` dropped, `super` and
    /// `self` resolved; a bare first segment is a child module or a crate name).
    fn absolute(&self, module: &ModPath, path: &[String]) -> ModPath {
        let mut base: ModPath;
        let mut rest = path;
        match path.first().map(String::as_str) {
            Some("crate") => {
                base = Vec::new();
                rest = &path[1..];
            }
            Some("super") | Some("self") => {
                base = module.clone();
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "super" => {
                            base.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            _ => {
                base = module.clone();
                let mut child = base.clone();
                child.push(path.first().cloned().unwrap_or_default());
                if !self.sources.contains_key(&child) {
                    return Vec::new(); // another crate, or std
                }
            }
        }
        base.extend(rest.iter().cloned());
        base
    }

    /// The deepest module of this crate that `path` lands in, following re-exports.
    fn target(&self, path: &[String]) -> ModPath {
        let mut current: ModPath = Vec::new();
        let mut hops = 0;
        let mut remaining: Vec<String> = path.to_vec();
        while !remaining.is_empty() && hops < 16 {
            let next = remaining.remove(0);
            let mut child = current.clone();
            child.push(next.clone());
            if self.sources.contains_key(&child) {
                current = child;
                continue;
            }
            match self.reexports.get(&(current.clone(), next)) {
                Some(target) if target.starts_with(&current) && target.len() > current.len() => {
                    hops += 1;
                    let mut redirected = target.clone();
                    redirected.extend(remaining);
                    current = Vec::new();
                    remaining = redirected;
                }
                _ => break,
            }
        }
        current
    }

    /// Edges between sibling modules: (parent, from child, to child).
    fn edges(&self) -> BTreeSet<(ModPath, String, String)> {
        let mut edges = BTreeSet::new();
        for (module, code) in &self.sources {
            for path in paths(code) {
                let absolute = self.absolute(module, &path);
                let target = self.target(&absolute);
                let common = module
                    .iter()
                    .zip(&target)
                    .take_while(|(a, b)| a == b)
                    .count();
                if common == module.len() || common == target.len() {
                    continue; // one contains the other
                }
                edges.insert((
                    module[..common].to_vec(),
                    module[common].clone(),
                    target[common].clone(),
                ));
            }
        }
        edges
    }
}

/// Cycles between sibling modules of the crate whose sources are in `src`, each as
/// `parent: a -> b -> a`.
pub fn cycles(src: &Path) -> Vec<String> {
    let krate = Crate::load(src);
    let mut graph: BTreeMap<(ModPath, String), BTreeSet<String>> = BTreeMap::new();
    for (parent, from, to) in krate.edges() {
        graph.entry((parent, from)).or_default().insert(to);
    }
    let mut found = BTreeSet::new();
    for (parent, start) in graph.keys() {
        // Depth-first search for a way back to `start`.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, trail)) = stack.pop() {
            for next in graph
                .get(&(parent.clone(), node.clone()))
                .into_iter()
                .flatten()
            {
                if next == start {
                    let mut cycle = trail.clone();
                    let smallest = (0..cycle.len())
                        .min_by_key(|&i| &cycle[i])
                        .unwrap_or_default();
                    cycle.rotate_left(smallest);
                    let first = cycle[0].clone();
                    cycle.push(first);
                    let scope = if parent.is_empty() {
                        "crate".to_owned()
                    } else {
                        parent.join("::")
                    };
                    found.insert(format!("{scope}: {}", cycle.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found.into_iter().collect()
}

/// Source directories of every crate and binary of the workspace.
pub fn source_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for group in ["crates", "bins"] {
        let Ok(entries) = std::fs::read_dir(root.join(group)) else {
            continue;
        };
        for entry in entries.flatten() {
            let src = entry.path().join("src");
            if src.is_dir() {
                dirs.push(src);
            }
        }
    }
    dirs.push(root.join("xtask/src"));
    dirs.sort();
    dirs
}

/// Source files longer than [`MAX_LINES`], with their length.
pub fn long_files(root: &Path) -> Vec<String> {
    let mut long = Vec::new();
    for dir in source_dirs(root) {
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        for file in files {
            let lines = std::fs::read_to_string(&file)
                .map(|t| t.lines().count())
                .unwrap_or(0);
            if lines > MAX_LINES {
                long.push(format!(
                    "{} has {lines} lines",
                    file.strip_prefix(root).unwrap_or(&file).display()
                ));
            }
        }
    }
    long.sort();
    long
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    #[test]
    fn no_module_imports_a_sibling_that_imports_it_back() {
        let cycles: Vec<String> = source_dirs(&root())
            .iter()
            .flat_map(|src| {
                let name = src
                    .parent()
                    .and_then(Path::file_name)
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                cycles(src)
                    .into_iter()
                    .map(move |cycle| format!("{name}: {cycle}"))
            })
            .collect();
        assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
    }

    #[test]
    fn every_source_file_fits_in_a_head() {
        let long = long_files(&root());
        assert!(
            long.is_empty(),
            "split these by what they contain:\n{}",
            long.join("\n")
        );
    }

    #[test]
    fn the_reader_finds_use_groups_and_cycles() {
        let found = paths(&code_only(
            "use crate::a::{b, c::{d, e}};\nuse super::f; // crate::g\nlet s = \"crate::h\";",
        ));
        let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
        assert_eq!(
            joined,
            [
                "crate::a::b",
                "crate::a::c::d",
                "crate::a::c::e",
                "super::f"
            ]
        );
        let dir = std::env::temp_dir().join(format!("draxis-structure-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("x")).unwrap();
        std::fs::write(dir.join("lib.rs"), "mod x; mod y; pub use y::Thing;").unwrap();
        std::fs::write(dir.join("x/mod.rs"), "use crate::Thing;").unwrap();
        std::fs::write(dir.join("y.rs"), "use super::x::Other; pub struct Thing;").unwrap();
        assert_eq!(cycles(&dir), ["crate: x -> y -> x"]);
        std::fs::write(dir.join("y.rs"), "pub struct Thing;").unwrap();
        assert!(cycles(&dir).is_empty());
        std::fs::remove_dir_all(&dir).ok();
    }
}
