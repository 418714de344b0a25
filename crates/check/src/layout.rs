//! The repository as the rules see it: every Nix file parsed once, which layer it belongs to,
//! what it imports (resolved to repository paths), the domains with their buckets, and the
//! root namespace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rnix::{SyntaxKind::*, SyntaxNode};
use syntax::LineIndex;

use crate::config::Config;
use crate::nix::{self, PathRef};
use crate::{glob, Error};

/// A parsed Nix file.
pub(crate) struct SourceFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    pub text: String,
    pub lines: LineIndex,
    /// The syntax tree; `None` when the file does not parse.
    pub tree: Option<SyntaxNode>,
    /// The first parse error: byte offset and message.
    pub parse_error: Option<(u32, String)>,
    /// Every rule id named by a `# strata: allow ID…` comment.
    pub allows: Vec<Allow>,
    /// What the file imports.
    pub imports: Vec<Import>,
}

impl SourceFile {
    /// The folder the file is in, relative to the root ("" for the root).
    pub fn dir(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The file name.
    pub fn name(&self) -> &str {
        self.rel.rsplit_once('/').map_or(&self.rel, |(_, name)| name)
    }

    /// 1-based line and column of a byte offset.
    pub fn position(&self, offset: u32) -> (u32, u32) {
        self.lines.line_col(offset)
    }
}

/// One rule id named in a `# strata: allow` comment.
#[derive(Debug, Clone)]
pub(crate) struct Allow {
    /// The rule id as written.
    pub id: String,
    /// Line of the comment.
    pub line: u32,
    /// Byte offset of the comment.
    pub offset: u32,
    /// True when the comment comes before the file's first expression.
    pub in_header: bool,
}

/// One imported path, resolved.
pub(crate) struct Import {
    pub path: PathRef,
    /// The path as written, resolved and normalized, relative to the root (a folder stays a folder).
    pub raw_target: String,
    /// The file it loads: `raw_target`, or `raw_target/default.nix` for a folder.
    pub target: String,
}

/// A domain: a folder whose aggregator imports its buckets.
#[derive(Debug, Clone)]
pub(crate) struct Domain {
    pub dir: String,
    pub aggregator: String,
    /// The option path of the domain below the root namespace, e.g. `["infrastructure"]`.
    pub option_path: Vec<String>,
    pub buckets: Vec<Bucket>,
    /// Files inside the domain the aggregator reaches through `imports`, itself included.
    pub reachable: BTreeSet<String>,
}

/// A bucket of a domain: a file or folder directly inside it that its aggregator imports.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    /// The option name: the file stem or folder name in camelCase.
    pub option_name: String,
    /// Path relative to the root.
    pub path: String,
    pub is_dir: bool,
}

impl Bucket {
    /// True when the file `rel` belongs to this bucket.
    pub fn contains(&self, rel: &str) -> bool {
        if self.is_dir {
            rel.starts_with(&format!("{}/", self.path))
        } else {
            rel == self.path
        }
    }
}

/// Which layer a file belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// Under a modules folder; `root` is that folder.
    Module {
        root: String,
    },
    Profile,
    /// A machine's file: the host and the machine's own folder (if it has one).
    Machine {
        host: String,
        folder: Option<String>,
    },
    Other,
}

/// Everything the rules look at.
pub(crate) struct Repo {
    pub files: Vec<SourceFile>,
    /// Folders that hold Nix files, relative to the root.
    pub dirs: Vec<String>,
    pub modules: Vec<String>,
    pub profiles: Vec<String>,
    pub machines: Vec<String>,
    pub machine_files: Vec<String>,
    /// Names of aggregator files.
    pub aggregators: Vec<String>,
    pub domains: Vec<Domain>,
    /// Files and folders of the paths module.
    pub paths: Vec<String>,
    /// The root namespace, split at dots (empty when there is none).
    pub namespace: Vec<String>,
}

impl Repo {
    /// Reads and parses every Nix file under `root` and works out the layout.
    pub fn load(root: &Path, config: &Config) -> Result<Repo, Error> {
        let mut found = Vec::new();
        let mut dirs = BTreeSet::new();
        walk(root, "", &config.exclude, &mut found, &mut dirs)?;
        let mut files = Vec::with_capacity(found.len());
        for rel in found {
            let path = root.join(&rel);
            let bytes = std::fs::read(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
            files.push(parse_file(root, rel, bytes));
        }
        let existing = |candidates: &[&str]| -> Vec<String> {
            candidates.iter().filter(|c| root.join(c).is_dir()).map(|c| c.to_string()).collect()
        };
        let layout = &config.layout;
        let modules = layout.modules.clone().unwrap_or_else(|| existing(&["modules", "domains"]));
        let profiles = layout.profiles.clone().unwrap_or_else(|| existing(&["profiles"]));
        let machines = layout.machines.clone().unwrap_or_else(|| existing(&["machines"]));
        let trim = |list: Vec<String>| list.into_iter().map(|d| d.trim_matches('/').to_string()).collect::<Vec<_>>();
        let (modules, profiles, machines) = (trim(modules), trim(profiles), trim(machines));
        let machine_files = layout
            .machine_files
            .clone()
            .unwrap_or_else(|| vec!["default.nix".to_string(), "configuration.nix".to_string()]);
        let aggregators =
            layout.aggregators.clone().unwrap_or_else(|| vec!["default.nix".to_string(), "index.nix".to_string()]);
        let paths = match &layout.paths {
            Some(paths) => trim(paths.clone()),
            None => files
                .iter()
                .map(|f| f.rel.as_str())
                .filter(|rel| under_any(rel, &modules))
                .filter_map(|rel| {
                    if rel.ends_with("/paths.nix") {
                        return Some(rel.to_string());
                    }
                    let parts: Vec<&str> = rel.split('/').collect();
                    let index = parts.iter().position(|p| *p == "paths")?;
                    (index + 1 < parts.len()).then(|| parts[..=index].join("/"))
                })
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        };
        let mut repo = Repo {
            files,
            dirs: dirs.into_iter().collect(),
            modules,
            profiles,
            machines,
            machine_files,
            aggregators: aggregators.clone(),
            domains: Vec::new(),
            paths,
            namespace: Vec::new(),
        };
        repo.namespace = match config.namespace_segments() {
            Some(segments) => segments,
            None => repo.infer_namespace(),
        };
        repo.domains = repo.find_domains(root, layout.domains.as_deref(), &aggregators);
        Ok(repo)
    }

    /// The layer of a file.
    pub fn role(&self, rel: &str) -> Role {
        if let Some(root) = self.modules.iter().find(|r| under(rel, r)) {
            return Role::Module { root: root.clone() };
        }
        if under_any(rel, &self.profiles) {
            return Role::Profile;
        }
        if let Some(root) = self.machines.iter().find(|r| under(rel, r)) {
            let rest = &rel[root.len() + 1..];
            return match rest.split_once('/') {
                Some((host, _)) => Role::Machine { host: host.to_string(), folder: Some(format!("{root}/{host}")) },
                None => Role::Machine { host: rest.trim_end_matches(".nix").to_string(), folder: None },
            };
        }
        Role::Other
    }

    /// True when `rel` is (in) the paths module.
    pub fn in_paths_module(&self, rel: &str) -> bool {
        self.paths.iter().any(|p| rel == p || under(rel, p))
    }

    /// The file with this relative path.
    pub fn file(&self, rel: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.rel == rel)
    }

    /// The most common first name of the options modules declare, when more than half of the
    /// modules declaring options use it.
    fn infer_namespace(&self) -> Vec<String> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut declaring = 0;
        for file in &self.files {
            if !matches!(self.role(&file.rel), Role::Module { .. }) {
                continue;
            }
            let Some(body) = file.tree.as_ref().and_then(nix::module_body) else { continue };
            let firsts: BTreeSet<String> =
                nix::option_entries(&body).iter().filter_map(|e| e.keys.first()?.name.clone()).collect();
            if firsts.is_empty() {
                continue;
            }
            declaring += 1;
            for first in firsts {
                *counts.entry(first).or_default() += 1;
            }
        }
        match counts.into_iter().max_by_key(|(_, count)| *count) {
            Some((name, count)) if count * 2 > declaring => vec![name],
            _ => Vec::new(),
        }
    }

    /// The configured domains, or those detected: folders directly under a modules folder
    /// whose aggregator imports at least one file or folder of its own.
    fn find_domains(&self, root: &Path, configured: Option<&[String]>, aggregators: &[String]) -> Vec<Domain> {
        let candidates: Vec<String> = match configured {
            Some(list) => list.iter().map(|d| d.trim_matches('/').to_string()).collect(),
            None => self
                .dirs
                .iter()
                .filter(|dir| {
                    self.modules.iter().any(|m| dir.strip_prefix(&format!("{m}/")).is_some_and(|r| !r.contains('/')))
                })
                .cloned()
                .collect(),
        };
        let mut domains = Vec::new();
        for dir in candidates {
            let Some(aggregator) = aggregators.iter().map(|a| format!("{dir}/{a}")).find(|a| self.file(a).is_some())
            else {
                continue;
            };
            let Some(file) = self.file(&aggregator) else { continue };
            let mut buckets = Vec::new();
            for import in &file.imports {
                let Some(inside) = import.raw_target.strip_prefix(&format!("{dir}/")) else { continue };
                let first = inside.split('/').next().unwrap_or(inside);
                let path = format!("{dir}/{first}");
                let is_dir = root.join(&path).is_dir();
                let stem = if is_dir { first } else { first.trim_end_matches(".nix") };
                if path == aggregator || buckets.iter().any(|b: &Bucket| b.path == path) {
                    continue;
                }
                buckets.push(Bucket { option_name: nix::camel_case(stem), path, is_dir });
            }
            if buckets.is_empty() && configured.is_none() {
                continue;
            }
            let module_root = self.modules.iter().find(|m| under(&dir, m));
            let relative = module_root.map_or(dir.as_str(), |m| &dir[m.len() + 1..]);
            let option_path = relative.split('/').filter(|s| !s.is_empty()).map(nix::camel_case).collect();
            let reachable = self.reachable(&aggregator, &dir);
            domains.push(Domain { dir, aggregator, option_path, buckets, reachable });
        }
        domains
    }

    /// Files inside `dir` reached from `start` through `imports` lists of files inside `dir`.
    pub fn reachable(&self, start: &str, dir: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::from([start.to_string()]);
        let mut queue = vec![start.to_string()];
        while let Some(rel) = queue.pop() {
            let Some(file) = self.file(&rel) else { continue };
            for import in file.imports.iter().filter(|i| !i.path.call) {
                if under(&import.target, dir) && seen.insert(import.target.clone()) {
                    queue.push(import.target.clone());
                }
            }
        }
        seen
    }
}

/// True when `rel` is strictly inside the folder `dir`.
pub(crate) fn under(rel: &str, dir: &str) -> bool {
    rel.len() > dir.len() + 1 && rel.starts_with(dir) && rel.as_bytes()[dir.len()] == b'/'
}

fn under_any(rel: &str, dirs: &[String]) -> bool {
    dirs.iter().any(|d| under(rel, d))
}

/// Collects `.nix` files (sorted) and the folders holding them, skipping hidden entries,
/// symbolic links to folders and excluded paths.
fn walk(
    root: &Path,
    rel: &str,
    exclude: &[String],
    files: &mut Vec<String>,
    dirs: &mut BTreeSet<String>,
) -> Result<(), Error> {
    let dir = if rel.is_empty() { root.to_path_buf() } else { root.join(rel) };
    let entries = std::fs::read_dir(&dir).map_err(|source| Error::Read { path: dir.clone(), source })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read { path: dir.clone(), source })?;
        names
            .push((entry.file_name(), entry.file_type().map_err(|source| Error::Read { path: entry.path(), source })?));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in names {
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let child = if rel.is_empty() { name.to_string() } else { format!("{rel}/{name}") };
        if exclude.iter().any(|pattern| glob::matches(pattern, &child)) {
            continue;
        }
        if kind.is_dir() {
            walk(root, &child, exclude, files, dirs)?;
        } else if name.ends_with(".nix") && (kind.is_file() || root.join(&child).is_file()) {
            if !rel.is_empty() {
                let mut folder = rel;
                loop {
                    dirs.insert(folder.to_string());
                    match folder.rsplit_once('/') {
                        Some((parent, _)) => folder = parent,
                        None => break,
                    }
                }
            }
            files.push(child);
        }
    }
    Ok(())
}

/// Parses one file and collects its allow comments and imports.
fn parse_file(root: &Path, rel: String, bytes: Vec<u8>) -> SourceFile {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to() as u32;
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let lines = LineIndex::new(&text);
            return SourceFile {
                rel,
                lines,
                text,
                tree: None,
                parse_error: Some((offset, "the file is not valid UTF-8".to_string())),
                allows: Vec::new(),
                imports: Vec::new(),
            };
        }
    };
    let lines = LineIndex::new(&text);
    if let Some(error) = guard(&rel, &text) {
        return SourceFile {
            rel,
            text,
            lines,
            tree: None,
            parse_error: Some((error.offset, error.message)),
            allows: Vec::new(),
            imports: Vec::new(),
        };
    }
    let parse = syntax::parse(&text);
    let tree = parse.syntax();
    let parse_error = parse.errors().first().map(|error| {
        let offset = match error {
            rnix::ParseError::Unexpected(range)
            | rnix::ParseError::UnexpectedExtra(range)
            | rnix::ParseError::UnexpectedWanted(_, range, _)
            | rnix::ParseError::UnexpectedDoubleBind(range)
            | rnix::ParseError::DuplicatedArgs(range, _) => u32::from(range.start()),
            _ => text.len() as u32,
        };
        (offset, error.to_string())
    });
    let mut allows = Vec::new();
    let mut in_header = true;
    for token in tree.descendants_with_tokens().filter_map(|e| e.into_token()) {
        match token.kind() {
            TOKEN_WHITESPACE => {}
            TOKEN_COMMENT => {
                let Some(ids) = allow_ids(token.text()) else { continue };
                let offset = u32::from(token.text_range().start());
                let (line, _) = lines.line_col(offset);
                allows.extend(ids.into_iter().map(|id| Allow { id, line, offset, in_header }));
            }
            _ => in_header = false,
        }
    }
    let mut file = SourceFile { rel, text: String::new(), lines, tree: None, parse_error, allows, imports: Vec::new() };
    if file.parse_error.is_none() {
        let base = file.dir().to_string();
        file.imports = nix::path_refs(&tree)
            .into_iter()
            .filter_map(|path| {
                let raw_target = resolve(root, &base, &path.text)?;
                let target = if root.join(&raw_target).is_dir() {
                    format!("{raw_target}/default.nix")
                } else {
                    raw_target.clone()
                };
                Some(Import { path, raw_target, target })
            })
            .collect();
        file.tree = Some(tree);
    }
    file.text = text;
    file
}

/// Files larger than this are lowered before rnix parses them (see [`guard`]).
const GUARD_BYTES: usize = 4096;

/// rnix's parser is quadratic on long runs of identifier characters and on long operator chains,
/// and recurses without limit into nested lists; `syntax::lower` rejects such input with a
/// positioned error before parsing. Below [`GUARD_BYTES`] no input is slow enough to matter, so
/// small files (nearly every module) are parsed once; larger ones are lowered first, which also
/// reports Nix's other parse-time errors (duplicate attributes, bad integers) for them. Unknown
/// names are not errors here (`outer_with`): evaluation reports those.
fn guard(_rel: &str, text: &str) -> Option<syntax::SyntaxError> {
    if text.len() <= GUARD_BYTES {
        return None;
    }
    syntax::precheck(text)
}

/// The ids of a `# strata: allow ID[, ID…]` comment.
fn allow_ids(comment: &str) -> Option<Vec<String>> {
    let body = comment.strip_prefix('#')?.trim();
    let rest = body.strip_prefix("strata:")?.trim_start().strip_prefix("allow")?;
    let ids: Vec<String> =
        rest.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_string).collect();
    (!ids.is_empty()).then_some(ids)
}

/// A path literal resolved against the folder `base` (relative to `root`), normalized, relative
/// to the root; `None` when it leaves the repository.
fn resolve(root: &Path, base: &str, text: &str) -> Option<String> {
    let joined: PathBuf = if text.starts_with('/') {
        let relative = Path::new(text).strip_prefix(root).ok()?;
        relative.to_path_buf()
    } else {
        Path::new(base).join(text)
    };
    let mut parts: Vec<String> = Vec::new();
    for component in joined.to_str()?.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name.to_string()),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolving() {
        let root = Path::new("/repo");
        assert_eq!(resolve(root, "profiles", "../modules/a.nix").as_deref(), Some("modules/a.nix"));
        assert_eq!(resolve(root, "profiles", "./x/./y").as_deref(), Some("profiles/x/y"));
        assert_eq!(resolve(root, "", "../outside"), None);
        assert_eq!(resolve(root, "a", "/repo/b.nix").as_deref(), Some("b.nix"));
        assert_eq!(resolve(root, "a", "/elsewhere/b.nix"), None);
    }

    #[test]
    fn allow_comments() {
        assert_eq!(allow_ids("# strata: allow kebab-case"), Some(vec!["kebab-case".to_string()]));
        assert_eq!(allow_ids("#strata: allow a, b"), Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(allow_ids("# strata: allow"), None);
        assert_eq!(allow_ids("# note"), None);
    }
}
