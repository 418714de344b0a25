//! Files, directories and fetchers: `readFile`, `readDir`, `pathExists`,
//! `readFileType`, `hashFile`, `toPath`, `findFile`, the `fetch*` family,
//! `getFlake`, `parseFlakeRef` and `flakeRefToString`; plus the NAR hashing
//! of source paths that copying to the store, `path` and `filterSource` use.
//!
//! All file access goes through [`EvalIO`] (NAR serialization reads through
//! the [`IoFs`] adapter), with one exception: `fetchGit` on a local
//! repository runs the `git` program to read commits and the index.
//! Strata evaluates offline, so fetching anything from the network fails with
//! a clear error instead.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syntax::ast::Pos;
use syntax::Symbol;

use super::control::io_message;
use super::derivations::{eval_error, store_dir, store_path_string};
use super::force_str_no_context;
use super::new_attrs;
use crate::error::{error, type_error, ErrorKind, EvalError, Result};
use crate::eval::{Coercion, Evaluator, SearchPathEntry};
use crate::io::{EvalIO, FileType};
use crate::value::*;

pub(super) const BUILTINS: &[Builtin] = &[
    Builtin { name: "readFile", arity: 1, func: read_file },
    Builtin { name: "readDir", arity: 1, func: read_dir },
    Builtin { name: "pathExists", arity: 1, func: path_exists },
    Builtin { name: "readFileType", arity: 1, func: read_file_type },
    Builtin { name: "hashFile", arity: 2, func: hash_file },
    Builtin { name: "toPath", arity: 1, func: to_path },
    Builtin { name: "findFile", arity: 2, func: find_file },
    Builtin { name: "fetchurl", arity: 1, func: fetchurl },
    Builtin { name: "fetchTarball", arity: 1, func: fetch_tarball },
    Builtin { name: "fetchGit", arity: 1, func: fetch_git },
    Builtin { name: "fetchMercurial", arity: 1, func: fetch_mercurial },
    Builtin { name: "fetchTree", arity: 1, func: fetch_tree },
    Builtin { name: "fetchClosure", arity: 1, func: fetch_closure },
    Builtin { name: "getFlake", arity: 1, func: get_flake },
    Builtin { name: "parseFlakeRef", arity: 1, func: parse_flake_ref },
    Builtin { name: "flakeRefToString", arity: 1, func: flake_ref_to_string },
];

// ---- helpers shared with derivations.rs and mod.rs --------------------------

/// Nix's `coerceToPath`: a path or string (not copied to the store) that
/// must be absolute; returns the text and its context.
pub(super) fn coerce_to_path(ev: &Evaluator, value: &Value, pos: Pos) -> Result<(String, Context)> {
    let string = ev.coerce_to_string(value, pos, Coercion { more: false, copy_to_store: false })?;
    if !string.text.starts_with('/') {
        return Err(eval_error(pos, format!("string '{}' doesn't represent an absolute path", string.text)));
    }
    Ok((string.text, string.context.into_context()))
}

/// Nix's `realiseContext` in read-only mode: store paths named by a context
/// were never created, so reading through them fails.
fn realise_context(context: &Context) -> Result<()> {
    match context.iter().next() {
        Some(element) => {
            Err(eval_error(Pos::NONE, format!("path '{}' is not valid", super::derivations::context_path(element))))
        }
        None => Ok(()),
    }
}

/// The canonical form of `path` with every symlink resolved (Nix's
/// `canonPath(path, true)`), read through [`EvalIO`]. Every component must
/// exist.
pub(super) fn resolve_symlinks(ev: &Evaluator, path: &str, pos: Pos) -> Result<String> {
    let mut pending: Vec<String> = path.split('/').filter(|c| !c.is_empty()).rev().map(str::to_string).collect();
    let mut resolved = String::new();
    let mut followed = 0;
    while let Some(component) = pending.pop() {
        match component.as_str() {
            "." => continue,
            ".." => {
                if let Some(index) = resolved.rfind('/') {
                    resolved.truncate(index);
                }
                continue;
            }
            _ => {}
        }
        let candidate = format!("{resolved}/{component}");
        let file_type = ev.io.file_type(&candidate).map_err(|e| {
            error(ErrorKind::Io, Pos::NONE, format!("getting status of '{candidate}': {}", os_message(&e)))
        })?;
        if file_type == FileType::Symlink {
            followed += 1;
            if followed > 1024 {
                return Err(eval_error(pos, format!("infinite symlink recursion in path '{path}'")));
            }
            let target = ev.io.read_link(&candidate).map_err(|e| {
                error(ErrorKind::Io, pos, format!("reading symbolic link '{candidate}': {}", os_message(&e)))
            })?;
            if target.starts_with('/') {
                resolved.clear();
            }
            pending.extend(target.split('/').filter(|c| !c.is_empty()).rev().map(str::to_string));
            continue;
        }
        resolved = candidate;
    }
    Ok(if resolved.is_empty() { "/".to_string() } else { resolved })
}

/// An IO error as Nix words it (`strerror`, without Rust's "(os error N)").
pub(super) fn os_message(err: &std::io::Error) -> String {
    let message = io_message(err);
    match message.find(" (os error ") {
        Some(index) => message[..index].to_string(),
        None => message,
    }
}

/// A Nix function deciding which entries of a source tree are kept, called
/// with the entry's path and type as `filterSource` documents.
pub(super) struct PathFilter<'a> {
    pub function: &'a Value,
    pub pos: Pos,
}

/// [`store::NarFs`] over the evaluator's [`EvalIO`].
pub(super) struct IoFs<'a> {
    pub io: &'a dyn EvalIO,
}

impl store::NarFs for IoFs<'_> {
    fn file_type(&self, path: &Path) -> std::io::Result<store::FileType> {
        let path = path.to_string_lossy();
        Ok(match self.io.file_type(&path)? {
            FileType::Regular if self.io.is_executable(&path) => store::FileType::Executable,
            FileType::Regular => store::FileType::Regular,
            FileType::Directory => store::FileType::Directory,
            FileType::Symlink => store::FileType::Symlink,
            FileType::Unknown => store::FileType::Unknown,
        })
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.io.read_file(&path.to_string_lossy())
    }

    fn read_dir(&self, path: &Path) -> std::io::Result<Vec<Vec<u8>>> {
        Ok(self.io.read_dir(&path.to_string_lossy())?.into_iter().map(|(name, _)| name.into_bytes()).collect())
    }

    fn read_link(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        Ok(self.io.read_link(&path.to_string_lossy())?.into_bytes())
    }
}

/// An evaluation error raised while serializing a tree (from a filter
/// function or from reading the tree). A separate type, because a
/// `From<NarError>` on [`EvalError`] itself would make `?` ambiguous
/// elsewhere in the crate.
struct TreeError(EvalError);

impl From<store::NarError> for TreeError {
    fn from(err: store::NarError) -> TreeError {
        TreeError(match err {
            store::NarError::Read { path, source } => {
                eval_error(Pos::NONE, format!("getting status of '{}': {}", path.display(), os_message(&source)))
            }
            other => eval_error(Pos::NONE, other),
        })
    }
}

/// The SHA-256 of the NAR serialization of `path` as Nix adds a source path
/// (`computeStorePathForPath`), leaving out what `filter` rejects.
pub(super) fn nar_hash_path(ev: &Evaluator, path: &str, filter: Option<&PathFilter>, pos: Pos) -> Result<store::Hash> {
    nar_hash_with(ev, &IoFs { io: &*ev.io }, path, filter, pos)
}

fn nar_hash_with(
    ev: &Evaluator,
    fs: &dyn store::NarFs,
    path: &str,
    filter: Option<&PathFilter>,
    pos: Pos,
) -> Result<store::Hash> {
    if let Err(e) = fs.file_type(Path::new(path)) {
        return Err(error(ErrorKind::Io, pos, format!("getting status of '{path}': {}", os_message(&e))));
    }
    let mut decide = |entry: &Path, file_type: store::FileType| -> std::result::Result<bool, TreeError> {
        let Some(filter) = filter else {
            return Ok(true);
        };
        let entry = Value::string(entry.to_string_lossy().into_owned());
        let result =
            ev.call2(filter.function, entry, Value::string(file_type.nix_name()), filter.pos).map_err(TreeError)?;
        ev.force_bool(&result, filter.pos).map_err(TreeError)
    };
    store::nar_hash(fs, Path::new(path), &mut decide).map_err(|e| e.0.at(pos))
}

/// The store path of a local source path, memoized per path: what
/// `"${./file}"` and other copies to the store produce.
pub(super) fn copy_to_store(ev: &Evaluator, path: &str, pos: Pos) -> Result<String> {
    if path.ends_with(".drv") {
        return Err(eval_error(pos, "file names are not allowed to end in '.drv'"));
    }
    let hash = nar_hash_path(ev, path, None, pos)?;
    store::store_path_for_local_path(&store_dir(ev), super::base_name(path), &hash).map_err(|e| eval_error(pos, e))
}

/// Why a file could not be read, in Nix's words: opening a directory
/// succeeds in Nix, reading from it is what fails.
fn read_error(path: &str, err: &std::io::Error, pos: Pos) -> EvalError {
    if err.kind() == std::io::ErrorKind::IsADirectory {
        return error(ErrorKind::Io, pos, format!("reading from file: {}", os_message(err)));
    }
    error(ErrorKind::Io, pos, format!("opening file '{path}': {}", os_message(err)))
}

// ---- files -------------------------------------------------------------------

/// `builtins.readFile path`: the file's contents (bytes that are not UTF-8
/// become U+FFFD, since Strata strings are UTF-8).
fn read_file(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (path, context) = coerce_to_path(ev, &args[0], pos)?;
    realise_context(&context)?;
    let bytes = ev.io.read_file(&path).map_err(|e| read_error(&path, &e, Pos::NONE))?;
    if bytes.contains(&0) {
        return Err(eval_error(
            Pos::NONE,
            format!("the contents of the file '{path}' cannot be represented as a Nix string"),
        ));
    }
    // Nix takes the references of store files from its database; without a
    // store there are none to report.
    Ok(Value::string(String::from_utf8_lossy(&bytes).into_owned()))
}

/// `builtins.readDir path`: `{ name = "regular" | "directory" | "symlink" | "unknown"; }`.
fn read_dir(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (path, context) = coerce_to_path(ev, &args[0], pos)?;
    realise_context(&context)?;
    let entries = ev
        .io
        .read_dir(&path)
        .map_err(|e| error(ErrorKind::Io, Pos::NONE, format!("opening directory '{path}': {}", os_message(&e))))?;
    let entries = entries
        .into_iter()
        .map(|(name, file_type)| AttrEntry {
            name: Symbol::intern(&name),
            value: Value::string(file_type.name()),
            pos: Pos::NONE,
        })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

/// `builtins.pathExists path`: whether the path exists (a dangling symlink
/// counts, as Nix uses `lstat`).
fn path_exists(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (path, context) = coerce_to_path(ev, &args[0], pos)?;
    realise_context(&context)?;
    Ok(Value::bool(ev.io.file_type(&path).is_ok()))
}

/// `builtins.readFileType path` (Nix 2.14): the type `readDir` would give.
fn read_file_type(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (path, context) = coerce_to_path(ev, &args[0], pos)?;
    realise_context(&context)?;
    let file_type = ev
        .io
        .file_type(&path)
        .map_err(|e| error(ErrorKind::Io, pos, format!("getting status of '{path}': {}", os_message(&e))))?;
    Ok(Value::string(file_type.name()))
}

/// `builtins.hashFile type path`: the base-16 hash of the file's contents.
fn hash_file(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let algo_name = force_str_no_context(ev, &args[0], pos)?;
    let Some(algo) = store::HashAlgo::parse_opt(&algo_name) else {
        return Err(eval_error(Pos::NONE, format!("unknown hash algorithm '{algo_name}'")));
    };
    let (path, context) = coerce_to_path(ev, &args[1], pos)?;
    realise_context(&context)?;
    let bytes = ev.io.read_file(&path).map_err(|e| read_error(&path, &e, Pos::NONE))?;
    Ok(Value::string(store::Hash::compute(algo, &bytes).to_base16()))
}

/// `builtins.toPath s`: the canonical form of an absolute path, as a string.
fn to_path(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (path, context) = coerce_to_path(ev, &args[0], pos)?;
    Ok(Value::string_with_context(syntax::canonicalize_path(&path), context))
}

/// `builtins.findFile searchPath name`: what `<name>` means for a search
/// path given as `[ { prefix; path; } ]`.
fn find_file(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let list = ev.force_list(&args[0], pos)?;
    let mut entries = Vec::with_capacity(list.len());
    for item in list.iter() {
        let attrs = ev.force_attrs(item, pos)?;
        let prefix = match attrs.get_str("prefix") {
            Some(value) => force_str_no_context(ev, value, pos)?,
            None => String::new(),
        };
        let Some(value) = attrs.get_str("path") else {
            return Err(type_error(pos, "attribute 'path' missing for call to 'findFile'")
                .with_frame(pos, "while invoking 'findFile'"));
        };
        let path = ev.coerce_to_string(value, pos, Coercion { more: false, copy_to_store: false })?;
        if let Some(element) = path.context.iter().next() {
            let invalid = super::derivations::context_path(element);
            return Err(eval_error(pos, format!("cannot find '{}', since path '{invalid}' is not valid", path.text)));
        }
        entries.push(SearchPathEntry { prefix, path: path.text });
    }
    let name = force_str_no_context(ev, &args[1], pos)?;
    find_in_search_path(ev, &entries, &name, pos).map(Value::path)
}

/// Nix's `EvalState::findFile`: the first entry whose prefix matches `name`
/// (whole path components) and under which the rest exists. Relative entries
/// are relative to the current directory. Not finding it is a `throw`.
pub(crate) fn find_in_search_path(ev: &Evaluator, entries: &[SearchPathEntry], name: &str, pos: Pos) -> Result<String> {
    for entry in entries {
        let suffix = if entry.prefix.is_empty() {
            format!("/{name}")
        } else {
            let Some(rest) = name.strip_prefix(entry.prefix.as_str()) else {
                continue;
            };
            if !rest.is_empty() && !rest.starts_with('/') {
                continue;
            }
            rest.to_string()
        };
        if entry.path.contains("://") {
            // Nix would download the tarball; say why that cannot happen
            // rather than claiming the name is missing.
            return Err(offline(&entry.path, pos));
        }
        let base = if entry.path.starts_with('/') {
            entry.path.clone()
        } else {
            match ev.io.current_dir() {
                Ok(dir) => format!("{dir}/{}", entry.path),
                Err(_) => continue,
            }
        };
        let base = syntax::canonicalize_path(&base);
        if ev.io.file_type(&base).is_err() {
            ev.io.trace(&format!("warning: Nix search path entry '{base}' does not exist, ignoring"));
            continue;
        }
        let candidate = format!("{base}{suffix}");
        if ev.io.file_type(&candidate).is_ok() {
            return Ok(syntax::canonicalize_path(&candidate));
        }
    }
    if let Some(rest) = name.strip_prefix("nix/") {
        return Ok(format!("/__corepkgs__/{rest}"));
    }
    let message = if ev.options.pure {
        format!("cannot look up '<{name}>' in pure evaluation mode (use '--impure' to override)")
    } else {
        format!("file '{name}' was not found in the Nix search path (add it using $NIX_PATH or -I)")
    };
    Err(error(ErrorKind::Throw, pos, message))
}

// ---- fetchers -------------------------------------------------------------------

fn offline(url: &str, pos: Pos) -> EvalError {
    eval_error(pos, format!("cannot fetch '{url}': network access is not available (Strata evaluates offline)"))
}

/// A local file named by a `file://` URL or an absolute path, if `url` is one.
fn local_path(url: &str) -> Option<String> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Some(rest.to_string());
    }
    url.starts_with('/').then(|| url.to_string())
}

/// The URL (and optional name and hash) of a `fetchurl`/`fetchTarball`
/// argument: a string, or `{ url; name ? …; sha256 ? …; }`.
struct FetchRequest {
    url: String,
    name: Option<String>,
    sha256: Option<String>,
}

fn fetch_request(ev: &Evaluator, value: &Value, who: &str, pos: Pos) -> Result<FetchRequest> {
    match ev.force(value)? {
        Value::Attrs(attrs) => {
            let mut request = FetchRequest { url: String::new(), name: None, sha256: None };
            let mut has_url = false;
            for entry in attrs.entries() {
                match entry.name.as_str() {
                    "url" => {
                        has_url = true;
                        request.url = ev
                            .coerce_to_string(&entry.value, pos, Coercion { more: false, copy_to_store: false })?
                            .text;
                    }
                    "sha256" => request.sha256 = Some(force_str_no_context(ev, &entry.value, pos)?),
                    "name" => request.name = Some(force_str_no_context(ev, &entry.value, pos)?),
                    other => {
                        return Err(eval_error(entry.pos, format!("unsupported argument '{other}' to '{who}'")));
                    }
                }
            }
            if !has_url {
                return Err(eval_error(pos, "'url' argument required"));
            }
            Ok(request)
        }
        other => {
            let url = ev.coerce_to_string(&other, pos, Coercion { more: false, copy_to_store: false })?.text;
            Ok(FetchRequest { url, name: None, sha256: None })
        }
    }
}

/// `builtins.fetchurl url`: only `file://` URLs, hashed flat like Nix
/// stores a downloaded file.
fn fetchurl(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let request = fetch_request(ev, &args[0], "fetchurl", pos)?;
    let Some(path) = request.url.strip_prefix("file://") else {
        return Err(offline(&request.url, pos));
    };
    let bytes = ev
        .io
        .read_file(path)
        .map_err(|e| eval_error(pos, format!("unable to download '{}': {}", request.url, os_message(&e))))?;
    let hash = store::Hash::compute(store::HashAlgo::Sha256, &bytes);
    check_expected_hash(&request, &hash, store::HashAlgo::Sha256)?;
    let name = request.name.clone().unwrap_or_else(|| super::base_name(&request.url).to_string());
    let dir = store_dir(ev);
    let store_path =
        store::make_fixed_output_path(&dir, store::FileIngestionMethod::Flat, &hash, &name, &BTreeSet::new())
            .map_err(|e| eval_error(pos, e))?;
    Ok(store_path_string(store_path))
}

fn check_expected_hash(request: &FetchRequest, actual: &store::Hash, algo: store::HashAlgo) -> Result<()> {
    let Some(expected) = &request.sha256 else {
        return Ok(());
    };
    let expected = store::Hash::parse_allow_empty(expected, Some(algo)).map_err(|e| eval_error(Pos::NONE, e))?;
    if &expected != actual {
        return Err(eval_error(
            Pos::NONE,
            format!(
                "hash mismatch in file downloaded from '{}':\n         specified: {}\n         got:       {}",
                request.url,
                expected.to_format(store::HashFormat::Nix32, true),
                actual.to_format(store::HashFormat::Nix32, true)
            ),
        ));
    }
    Ok(())
}

/// `builtins.fetchTarball`: needs a download and an unpacker; Strata has
/// neither, so every call fails (a local directory is not a tarball).
fn fetch_tarball(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let request = fetch_request(ev, &args[0], "fetchTarball", pos)?;
    if request.url.starts_with("file://") {
        return Err(eval_error(
            pos,
            format!("cannot fetch '{}': unpacking tarballs is not supported by Strata", request.url),
        ));
    }
    Err(offline(&request.url, pos))
}

/// `builtins.fetchMercurial`: Strata does not run Mercurial.
fn fetch_mercurial(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let url = match ev.force(&args[0])? {
        Value::Attrs(attrs) => match attrs.get_str("url") {
            Some(url) => ev.coerce_to_string(url, pos, Coercion { more: false, copy_to_store: false })?.text,
            None => return Err(eval_error(pos, "'url' argument required")),
        },
        other => ev.coerce_to_string(&other, pos, Coercion { more: false, copy_to_store: false })?.text,
    };
    if local_path(&url).is_some() {
        return Err(eval_error(
            pos,
            format!("cannot fetch '{url}': Mercurial repositories are not supported by Strata"),
        ));
    }
    Err(offline(&url, pos))
}

/// `builtins.fetchClosure`: copies from a binary cache, always remote.
fn fetch_closure(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    let url = match attrs.get_str("fromStore") {
        Some(value) => force_str_no_context(ev, value, pos)?,
        None => return Err(eval_error(pos, "attribute 'fromStore' is missing in call to 'fetchClosure'")),
    };
    Err(offline(&url, pos))
}

/// `builtins.getFlake`: evaluating flakes is outside what Strata does.
fn get_flake(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let reference = force_str_no_context(ev, &args[0], pos)?;
    Err(eval_error(pos, format!("cannot fetch '{reference}': flakes are not supported by Strata")))
}

/// The arguments of `fetchGit`/`fetchTree`: a string URL or a set whose
/// strings, Booleans and integers become the input's attributes.
fn fetcher_input(ev: &Evaluator, value: &Value, kind: Option<&str>, pos: Pos) -> Result<BTreeMap<String, Value>> {
    let mut input = BTreeMap::new();
    match ev.force(value)? {
        Value::Attrs(attrs) => {
            let declared = attrs.get_str("type");
            let kind = match (kind, declared) {
                (Some(_), Some(_)) => return Err(eval_error(pos, "unexpected attribute 'type'")),
                (Some(kind), None) => kind.to_string(),
                (None, Some(value)) => force_str_no_context(ev, value, pos)?,
                (None, None) => return Err(eval_error(pos, "attribute 'type' is missing in call to 'fetchTree'")),
            };
            input.insert("type".to_string(), Value::string(kind));
            for entry in attrs.entries() {
                let name = entry.name.as_str();
                if name == "type" {
                    continue;
                }
                let value = ev.force(&entry.value)?;
                let value = match &value {
                    Value::Path(_) | Value::String(_) => {
                        let text = ev
                            .coerce_to_string(&value, entry.pos, Coercion { more: false, copy_to_store: false })?
                            .text;
                        Value::string(text)
                    }
                    Value::Bool(_) | Value::Int(_) => value.clone(),
                    other => {
                        return Err(type_error(
                            entry.pos,
                            format!(
                                "fetchTree argument '{name}' is {} while a string, Boolean or integer is expected",
                                other.shown()
                            ),
                        ));
                    }
                };
                input.insert(name.to_string(), value);
            }
        }
        other => {
            let url = ev.coerce_to_string(&other, pos, Coercion { more: false, copy_to_store: false })?.text;
            match kind {
                Some(kind) => {
                    input.insert("type".to_string(), Value::string(kind));
                    input.insert("url".to_string(), Value::string(url));
                }
                None => {
                    let parsed = parse_flake_ref_text(&url, pos)?;
                    input.extend(parsed);
                }
            }
        }
    }
    Ok(input)
}

fn input_str(ev: &Evaluator, input: &BTreeMap<String, Value>, key: &str) -> Result<Option<String>> {
    match input.get(key) {
        Some(value) => Ok(Some(ev.force_str(value, Pos::NONE)?)),
        None => Ok(None),
    }
}

/// `builtins.fetchGit`: only local repositories (a path, `/abs/path` or
/// `file:///abs/path`), read by running `git`.
fn fetch_git(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let input = fetcher_input(ev, &args[0], Some("git"), pos)?;
    fetch_git_input(ev, &input, pos)
}

/// `builtins.fetchTree input`: local `path` and `git` inputs.
fn fetch_tree(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let input = fetcher_input(ev, &args[0], None, pos)?;
    if input.contains_key("name") {
        return Err(eval_error(pos, "attribute 'name' isn’t supported in call to 'fetchTree'"));
    }
    let kind = input_str(ev, &input, "type")?.unwrap_or_default();
    match kind.as_str() {
        "git" => fetch_git_input(ev, &input, pos),
        "path" => {
            let Some(path) = input_str(ev, &input, "path")? else {
                return Err(eval_error(pos, "missing 'path' attribute in input"));
            };
            let hash = nar_hash_path(ev, &path, None, pos)?;
            if let Some(expected) = input_str(ev, &input, "narHash")? {
                let expected = store::Hash::parse(&expected, None).map_err(|e| eval_error(pos, e))?;
                if expected != hash {
                    return Err(eval_error(
                        pos,
                        format!(
                            "NAR hash mismatch in input '{}', expected '{}', got '{}'",
                            path,
                            expected.to_sri(),
                            hash.to_sri()
                        ),
                    ));
                }
            }
            let store_path =
                store::store_path_for_local_path(&store_dir(ev), "source", &hash).map_err(|e| eval_error(pos, e))?;
            let mut entries =
                vec![("outPath", store_path_string(store_path)), ("narHash", Value::string(hash.to_sri()))];
            if let Some(value) = input.get("lastModified") {
                let seconds = ev.force_int(value, pos)?;
                entries.push(("lastModified", Value::Int(seconds)));
                entries.push(("lastModifiedDate", Value::string(format_date(seconds))));
            }
            Ok(new_attrs(entries))
        }
        _ => {
            let url = input_str(ev, &input, "url")?.unwrap_or_else(|| kind.clone());
            Err(offline(&url, pos))
        }
    }
}

fn fetch_git_input(ev: &Evaluator, input: &BTreeMap<String, Value>, pos: Pos) -> Result<Value> {
    let Some(url) = input_str(ev, input, "url")? else {
        return Err(eval_error(pos, "'url' argument required"));
    };
    let Some(repo) = local_path(&url) else {
        return Err(offline(&url, pos));
    };
    let name = input_str(ev, input, "name")?.unwrap_or_else(|| "source".to_string());
    let rev = input_str(ev, input, "rev")?;
    let reference = input_str(ev, input, "ref")?;
    let submodules = match input.get("submodules") {
        Some(value) => ev.force_bool(value, pos)?,
        None => false,
    };
    let git = Git { repo: &repo, io: &*ev.io };
    if !ev.io.path_exists(&format!("{}/.git", repo.trim_end_matches('/'))) {
        // Nix treats it as a remote and lets `git fetch` complain.
        ev.io.trace(&format!(
            "fatal: '{repo}' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists."
        ));
        return Err(eval_error(Pos::NONE, "program 'git' failed with exit code 128"));
    }
    let has_head = git.succeeds(&["rev-parse", "--verify", "--no-revs", "HEAD^{commit}"]);
    let dirty = rev.is_none()
        && reference.is_none()
        && (!has_head || !git.succeeds(&["diff", "HEAD", "--quiet", "--ignore-submodules", "--"]));

    let (hash, rev, rev_count, last_modified) = if dirty {
        ev.io.trace(&format!("warning: Git tree '{repo}' is dirty"));
        let listing = git.run(&["ls-files", "-z"])?;
        let files: BTreeSet<String> = listing.split('\0').filter(|f| !f.is_empty()).map(str::to_string).collect();
        let hash = hash_work_tree(ev, &repo, &files, pos)?;
        let last_modified = if has_head { commit_time(&git, "HEAD")? } else { 0 };
        (hash, "0".repeat(40), 0, last_modified)
    } else {
        let commit = match rev {
            Some(rev) => rev,
            None => git.run(&["rev-parse", reference.as_deref().unwrap_or("HEAD")])?.trim().to_string(),
        };
        let tree = GitTree::read(&git, &commit)?;
        let hash = nar_hash_with(ev, &tree, GitTree::ROOT, None, pos)?;
        let count = git.run(&["rev-list", "--count", &commit])?.trim().parse().unwrap_or(0);
        (hash, commit.clone(), count, commit_time(&git, &commit)?)
    };
    let store_path = store::store_path_for_local_path(&store_dir(ev), &name, &hash).map_err(|e| eval_error(pos, e))?;
    Ok(new_attrs(vec![
        ("outPath", store_path_string(store_path)),
        ("narHash", Value::string(hash.to_sri())),
        ("submodules", Value::bool(submodules)),
        ("shortRev", Value::string(&rev[..7.min(rev.len())])),
        ("rev", Value::string(rev)),
        ("revCount", Value::Int(rev_count)),
        ("lastModified", Value::Int(last_modified)),
        ("lastModifiedDate", Value::string(format_date(last_modified))),
    ]))
}

/// The commit time of a revision, in seconds since the epoch.
fn commit_time(git: &Git, revision: &str) -> Result<i64> {
    Ok(git.run(&["log", "-1", "--format=%ct", "--no-show-signature", revision])?.trim().parse().unwrap_or(0))
}

/// The NAR hash of a dirty work tree: only files git tracks, and the
/// directories leading to them.
fn hash_work_tree(ev: &Evaluator, repo: &str, files: &BTreeSet<String>, pos: Pos) -> Result<store::Hash> {
    let root = repo.trim_end_matches('/');
    let fs = IoFs { io: &*ev.io };
    let mut keep = |entry: &Path, file_type: store::FileType| -> std::result::Result<bool, TreeError> {
        let entry = entry.to_string_lossy();
        let relative = entry.get(root.len() + 1..).unwrap_or("");
        if file_type == store::FileType::Directory {
            let prefix = format!("{relative}/");
            return Ok(files.range(prefix.clone()..).next().is_some_and(|f| f.starts_with(&prefix)));
        }
        Ok(files.contains(relative))
    };
    store::nar_hash(&fs, Path::new(root), &mut keep).map_err(|e| e.0.at(pos))
}

/// Runs `git -C <repo> …` and returns its standard output. A failure shows
/// git's own complaint and then Nix's "program 'git' failed" error.
struct Git<'a> {
    repo: &'a str,
    io: &'a dyn EvalIO,
}

impl Git<'_> {
    fn run(&self, args: &[&str]) -> Result<String> {
        let bytes = self.run_bytes(args, None)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Whether the command succeeds; its complaints are not shown.
    fn succeeds(&self, args: &[&str]) -> bool {
        self.output(args, None).is_ok_and(|output| output.status.success())
    }

    fn run_bytes(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<Vec<u8>> {
        let output = self
            .output(args, stdin)
            .map_err(|e| eval_error(Pos::NONE, format!("executing 'git': {}", os_message(&e))))?;
        if !output.status.success() {
            let complaint = String::from_utf8_lossy(&output.stderr);
            let complaint = complaint.trim_end();
            if !complaint.is_empty() {
                self.io.trace(complaint);
            }
            let code = output.status.code().unwrap_or(1);
            return Err(eval_error(Pos::NONE, format!("program 'git' failed with exit code {code}")));
        }
        Ok(output.stdout)
    }

    fn output(&self, args: &[&str], stdin: Option<&[u8]>) -> std::io::Result<std::process::Output> {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut command = Command::new("git");
        command.arg("-C").arg(self.repo).args(args);
        command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn()?;
        if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // Written from a thread so a large output cannot block the input.
            let input = input.to_vec();
            std::thread::spawn(move || {
                let _ = pipe.write_all(&input);
            });
        }
        child.wait_with_output()
    }
}

/// The file tree of one commit, held in memory for NAR serialization.
struct GitTree {
    nodes: BTreeMap<String, GitNode>,
}

enum GitNode {
    Directory(BTreeSet<String>),
    File { contents: Vec<u8>, executable: bool },
    Symlink(Vec<u8>),
}

impl GitTree {
    const ROOT: &'static str = "/git-tree";

    fn read(git: &Git, commit: &str) -> Result<GitTree> {
        let listing = git.run_bytes(&["ls-tree", "-r", "-z", "--full-tree", commit], None)?;
        let mut entries = Vec::new();
        for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let record = String::from_utf8_lossy(record);
            let Some((meta, path)) = record.split_once('\t') else { continue };
            let mut fields = meta.split(' ');
            let (Some(mode), Some(_), Some(object)) = (fields.next(), fields.next(), fields.next()) else { continue };
            entries.push((mode.to_string(), object.to_string(), path.to_string()));
        }
        let blobs: Vec<&str> =
            entries.iter().filter(|(mode, ..)| mode != "160000").map(|(_, object, _)| object.as_str()).collect();
        let mut request = blobs.join("\n");
        request.push('\n');
        let output = if blobs.is_empty() {
            Vec::new()
        } else {
            git.run_bytes(&["cat-file", "--batch"], Some(request.as_bytes()))?
        };
        let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut rest = &output[..];
        while let Some(newline) = rest.iter().position(|b| *b == b'\n') {
            let header = String::from_utf8_lossy(&rest[..newline]).into_owned();
            let mut fields = header.split(' ');
            let object = fields.next().unwrap_or("").to_string();
            let size: usize = fields.nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
            let start = newline + 1;
            let end = (start + size).min(rest.len());
            contents.insert(object, rest[start..end].to_vec());
            rest = rest.get(end + 1..).unwrap_or(&[]);
        }
        let mut tree = GitTree { nodes: BTreeMap::new() };
        tree.nodes.insert(Self::ROOT.to_string(), GitNode::Directory(BTreeSet::new()));
        for (mode, object, path) in entries {
            let full = format!("{}/{path}", Self::ROOT);
            tree.add_parents(&full);
            let blob = || contents.get(&object).cloned().unwrap_or_default();
            let node = match mode.as_str() {
                "120000" => GitNode::Symlink(blob()),
                "160000" => GitNode::Directory(BTreeSet::new()),
                "100755" => GitNode::File { contents: blob(), executable: true },
                _ => GitNode::File { contents: blob(), executable: false },
            };
            tree.nodes.insert(full, node);
        }
        Ok(tree)
    }

    fn add_parents(&mut self, path: &str) {
        let Some(index) = path.rfind('/') else { return };
        let (parent, name) = (&path[..index], &path[index + 1..]);
        let known = self.nodes.contains_key(parent);
        match self.nodes.entry(parent.to_string()).or_insert_with(|| GitNode::Directory(BTreeSet::new())) {
            GitNode::Directory(children) => {
                children.insert(name.to_string());
            }
            _ => return,
        }
        if !known && parent != Self::ROOT {
            self.add_parents(parent);
        }
    }

    fn node(&self, path: &Path) -> std::io::Result<&GitNode> {
        self.nodes
            .get(path.to_string_lossy().as_ref())
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
}

impl store::NarFs for GitTree {
    fn file_type(&self, path: &Path) -> std::io::Result<store::FileType> {
        Ok(match self.node(path)? {
            GitNode::Directory(_) => store::FileType::Directory,
            GitNode::File { executable: true, .. } => store::FileType::Executable,
            GitNode::File { .. } => store::FileType::Regular,
            GitNode::Symlink(_) => store::FileType::Symlink,
        })
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.node(path)? {
            GitNode::File { contents, .. } => Ok(contents.clone()),
            _ => Err(std::io::Error::from(std::io::ErrorKind::InvalidInput)),
        }
    }

    fn read_dir(&self, path: &Path) -> std::io::Result<Vec<Vec<u8>>> {
        match self.node(path)? {
            GitNode::Directory(children) => Ok(children.iter().map(|c| c.clone().into_bytes()).collect()),
            _ => Err(std::io::Error::from(std::io::ErrorKind::InvalidInput)),
        }
    }

    fn read_link(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.node(path)? {
            GitNode::Symlink(target) => Ok(target.clone()),
            _ => Err(std::io::Error::from(std::io::ErrorKind::InvalidInput)),
        }
    }
}

/// `%Y%m%d%H%M%S` in UTC, as `lastModifiedDate` is written.
fn format_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let time = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}{:02}{:02}{:02}", time / 3600, time % 3600 / 60, time % 60)
}

// ---- flake references ----------------------------------------------------------
//
// `parseFlakeRef` and `flakeRefToString` follow current Nix's documented
// behaviour (they are not in Nix 2.8). Divergences: a bare path is always a
// `path` input (Nix turns a path inside a git repository into `git+file`),
// and indirect references are not looked up in any registry.

/// `builtins.parseFlakeRef ref`: the attribute set form of a flake reference.
fn parse_flake_ref(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let text = force_str_no_context(ev, &args[0], pos)?;
    let parsed = parse_flake_ref_text(&text, pos)?;
    Ok(Value::attrs(Attrs::from_unsorted(
        parsed
            .into_iter()
            .map(|(name, value)| AttrEntry { name: Symbol::intern(&name), value, pos: Pos::NONE })
            .collect(),
    )))
}

/// Query parameters whose values are numbers or Booleans in input attributes.
fn query_value(key: &str, value: &str) -> Value {
    match key {
        "revCount" | "lastModified" => value.parse().map(Value::Int).unwrap_or_else(|_| Value::string(value)),
        "submodules" | "shallow" | "allRefs" | "exportIgnore" => Value::bool(value == "1" || value == "true"),
        _ => Value::string(value),
    }
}

fn parse_flake_ref_text(text: &str, pos: Pos) -> Result<BTreeMap<String, Value>> {
    let bad = || eval_error(pos, format!("'{text}' is not a valid URL"));
    let (base, query) = match text.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (text, None),
    };
    let base = base.split_once('#').map_or(base, |(b, _)| b);
    let mut attrs = BTreeMap::new();
    let mut put = |key: &str, value: Value| {
        attrs.insert(key.to_string(), value);
    };
    if let Some((scheme, rest)) = base.split_once(':') {
        match scheme {
            "github" | "gitlab" | "sourcehut" => {
                let parts: Vec<&str> = rest.split('/').collect();
                if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
                    return Err(bad());
                }
                put("type", Value::string(scheme));
                put("owner", Value::string(percent_decode(parts[0])));
                put("repo", Value::string(percent_decode(parts[1])));
                if let Some(third) = parts.get(2) {
                    let key = if is_rev(third) { "rev" } else { "ref" };
                    put(key, Value::string(percent_decode(third)));
                }
            }
            "path" => {
                put("type", Value::string("path"));
                put("path", Value::string(percent_decode(rest)));
            }
            "flake" => {
                let parts: Vec<&str> = rest.split('/').collect();
                put("type", Value::string("indirect"));
                put("id", Value::string(parts[0]));
                if let Some(second) = parts.get(1) {
                    let key = if is_rev(second) { "rev" } else { "ref" };
                    put(key, Value::string(*second));
                }
                if let Some(third) = parts.get(2) {
                    put("rev", Value::string(*third));
                }
            }
            _ => {
                let (kind, url) = if let Some(transport) = scheme.strip_prefix("git+") {
                    ("git", format!("{transport}:{rest}"))
                } else if let Some(transport) = scheme.strip_prefix("hg+") {
                    ("mercurial", format!("{transport}:{rest}"))
                } else if let Some(transport) = scheme.strip_prefix("tarball+") {
                    ("tarball", format!("{transport}:{rest}"))
                } else if let Some(transport) = scheme.strip_prefix("file+") {
                    ("file", format!("{transport}:{rest}"))
                } else if matches!(scheme, "http" | "https" | "file") {
                    let archive = [".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"];
                    let kind = if archive.iter().any(|suffix| rest.ends_with(suffix)) { "tarball" } else { "file" };
                    (kind, base.to_string())
                } else {
                    return Err(bad());
                };
                put("type", Value::string(kind));
                put("url", Value::string(url));
            }
        }
    } else if base.starts_with('/') || base.starts_with('.') {
        put("type", Value::string("path"));
        put("path", Value::string(base));
    } else {
        let parts: Vec<&str> = base.split('/').collect();
        if parts[0].is_empty() || !parts[0].chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)) {
            return Err(bad());
        }
        put("type", Value::string("indirect"));
        put("id", Value::string(parts[0]));
        if let Some(second) = parts.get(1) {
            let key = if is_rev(second) { "rev" } else { "ref" };
            put(key, Value::string(*second));
        }
    }
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (percent_decode(key), percent_decode(value));
        attrs.insert(key.clone(), query_value(&key, &value));
    }
    Ok(attrs)
}

fn is_rev(text: &str) -> bool {
    text.len() == 40 && text.chars().all(|c| c.is_ascii_hexdigit())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[index + 1..index + 3], 16) {
                out.push(byte);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(text: &str, keep: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || keep.as_bytes().contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `builtins.flakeRefToString attrs`: the URL form of a flake reference.
fn flake_ref_to_string(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    for entry in attrs.entries() {
        let value = match ev.force(&entry.value)? {
            Value::String(s) => s.text.clone(),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => if b.get() { "1" } else { "0" }.to_string(),
            other => {
                return Err(type_error(
                    entry.pos,
                    format!(
                        "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '{}' is {}",
                        entry.name,
                        other.shown()
                    ),
                ));
            }
        };
        fields.insert(entry.name.as_str().to_string(), value);
    }
    let Some(kind) = fields.remove("type") else {
        return Err(eval_error(pos, "attribute 'type' is missing in flake reference"));
    };
    let mut take = |key: &str| fields.remove(key);
    let base = match kind.as_str() {
        "github" | "gitlab" | "sourcehut" => {
            let (Some(owner), Some(repo)) = (take("owner"), take("repo")) else {
                return Err(eval_error(pos, format!("'{kind}' flake reference needs 'owner' and 'repo'")));
            };
            let mut base = format!("{kind}:{}/{}", percent_encode(&owner, ""), percent_encode(&repo, ""));
            if let Some(reference) = take("rev").or_else(|| take("ref")) {
                base.push('/');
                base.push_str(&percent_encode(&reference, "/"));
            }
            base
        }
        "path" => format!("path:{}", percent_encode(&take("path").unwrap_or_default(), "/+@:")),
        "indirect" => {
            let mut base = format!("flake:{}", take("id").unwrap_or_default());
            if let Some(reference) = take("ref") {
                base.push('/');
                base.push_str(&reference);
            }
            if let Some(rev) = take("rev") {
                base.push('/');
                base.push_str(&rev);
            }
            base
        }
        "git" | "mercurial" | "tarball" | "file" => {
            let url = take("url").unwrap_or_default();
            let prefix = match kind.as_str() {
                "git" => "git+",
                "mercurial" => "hg+",
                _ => "",
            };
            format!("{prefix}{url}")
        }
        other => return Err(eval_error(pos, format!("unsupported input type '{other}'"))),
    };
    if fields.is_empty() {
        return Ok(Value::string(base));
    }
    let query: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("{}={}", percent_encode(key, ""), percent_encode(value, "/:@")))
        .collect();
    Ok(Value::string(format!("{base}?{}", query.join("&"))))
}
