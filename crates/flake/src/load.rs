//! Loading a repository: `flake.nix` with its locked inputs, or `default.nix`.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use eval::{AttrEntry, Attrs, ErrorKind, EvalError, Evaluator, Value};
use syntax::ast::{Param, Pos};
use syntax::Symbol;

use crate::error::Error;
use crate::fetch::{self, Source};
use crate::lockfile::{Attr, LockEdge, LockFile, LockNode};
use crate::spec::{read_flake, FlakeFile, InputSpec};
use crate::{eval_error, import_file, invalid, Options};

/// Which file the outputs came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `flake.nix` with `inputs` and `outputs`.
    Flake,
    /// A plain `default.nix`: a set of outputs or a function returning one.
    DefaultNix,
}

/// A loaded repository.
pub struct Loaded {
    /// Whether it came from `flake.nix` or `default.nix`.
    pub kind: Kind,
    /// The repository directory.
    pub dir: PathBuf,
    /// The `flake.nix` or `default.nix` evaluated.
    pub file: PathBuf,
    /// The flake's `description`.
    pub description: Option<String>,
    /// The outputs: an attribute set (forced to weak head normal form).
    pub outputs: Value,
    /// `self`: the outputs with `outPath`, `inputs`, `sourceInfo` and
    /// `_type = "flake"` (what `builtins.getFlake` returns).
    pub self_value: Value,
    /// The lock file, when the repository has one.
    pub lock: Option<LockFile>,
    /// Every fetched input (by input path, `a/b` for transitive ones) and its directory.
    pub inputs: BTreeMap<String, PathBuf>,
}

/// Loads `dir/flake.nix` (or, when there is none, `dir/default.nix`) and
/// returns its outputs. `builtin_inputs` are always available to the
/// flake's `outputs` (and to those of its input flakes) and never locked.
pub fn load(ev: &Evaluator, dir: &Path, builtin_inputs: &[(&str, Value)]) -> Result<Loaded, Error> {
    load_with(ev, dir, builtin_inputs, &Options::default())
}

/// [`load`] with explicit [`Options`].
pub fn load_with(
    ev: &Evaluator,
    dir: &Path,
    builtin_inputs: &[(&str, Value)],
    options: &Options,
) -> Result<Loaded, Error> {
    let dir = absolute_dir(dir)?;
    if dir.join("flake.nix").is_file() {
        load_flake(ev, &dir, builtin_inputs, options)
    } else if dir.join("default.nix").is_file() {
        load_default_nix(ev, &dir, builtin_inputs, options)
    } else {
        Err(Error::NoFlake { dir })
    }
}

pub(crate) fn absolute_dir(dir: &Path) -> Result<PathBuf, Error> {
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().map_err(|error| Error::io(dir, error))?.join(dir)
    };
    if !absolute.is_dir() {
        return Err(Error::io(&absolute, std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory")));
    }
    Ok(fetch::resolve_path(&absolute.to_string_lossy(), Path::new("/")))
}

pub(crate) fn read_lock_file(dir: &Path) -> Result<Option<LockFile>, Error> {
    let path = dir.join("flake.lock");
    match std::fs::read_to_string(&path) {
        Ok(text) => LockFile::parse(&text).map(Some).map_err(|message| Error::LockFile { path, message }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Error::io(path, error)),
    }
}

fn load_flake(ev: &Evaluator, dir: &Path, builtins: &[(&str, Value)], options: &Options) -> Result<Loaded, Error> {
    let names: Vec<&str> = builtins.iter().map(|(name, _)| *name).collect();
    let flake = read_flake(ev, dir, &[], &names)?;
    check_outputs_formals(ev, &flake, builtins)?;
    let lock = read_lock_file(dir)?;
    let empty = LockFile::default();
    check_locked(dir, &flake.inputs, lock.as_ref().unwrap_or(&empty), builtins)?;
    let mut loader = Loader {
        ev,
        builtins,
        options,
        root_dir: dir.to_path_buf(),
        lock: lock.clone().unwrap_or_default(),
        values: HashMap::new(),
        dirs: HashMap::new(),
        cache: None,
    };
    let info = root_source_info(dir, options);
    let (self_value, outputs) = loader.call_flake(&flake, &[], dir, info)?;
    let outputs = force_outputs(ev, &outputs, &flake.file, flake.outputs_pos)?;
    let inputs = loader.dirs.iter().map(|(path, dir)| (path.join("/"), dir.clone())).collect();
    Ok(Loaded {
        kind: Kind::Flake,
        dir: dir.to_path_buf(),
        file: flake.file,
        description: flake.description,
        outputs,
        self_value,
        lock,
        inputs,
    })
}

fn load_default_nix(
    ev: &Evaluator,
    dir: &Path,
    builtins: &[(&str, Value)],
    options: &Options,
) -> Result<Loaded, Error> {
    let file = dir.join("default.nix");
    let value = import_file(ev, &file)?;
    let value = ev.force(&value).map_err(|error| eval_error(ev, &error))?;
    let info = root_source_info(dir, options);
    let inputs = builtin_attrs(builtins, |_| true);
    let cell: Rc<RefCell<Option<Value>>> = Rc::default();
    let self_value = self_thunk(cell.clone(), dir, info, inputs);
    let outputs = match &value {
        Value::Attrs(_) => value.clone(),
        function if function.is_function() => {
            let mut entries: Vec<AttrEntry> = Vec::new();
            for (name, builtin) in builtins {
                if accepts(function, name) {
                    entries.push(entry(name, builtin.clone()));
                }
            }
            if accepts(function, "self") {
                entries.push(entry("self", self_value.clone()));
            }
            let argument = Value::attrs(Attrs::from_unsorted(entries));
            ev.call(function, argument, Pos::NONE).map_err(|error| eval_error(ev, &error))?
        }
        other => {
            return Err(invalid(
                ev,
                Pos::NONE,
                format!(
                    "{}: default.nix must be an attribute set of outputs or a function returning one \
                     (such as `{{ strata, ... }}: {{ nixosConfigurations = …; }}`), but it is {}",
                    file.display(),
                    other.type_().described()
                ),
            ))
        }
    };
    cell.replace(Some(outputs.clone()));
    let outputs = force_outputs(ev, &outputs, &file, Pos::NONE)?;
    Ok(Loaded {
        kind: Kind::DefaultNix,
        dir: dir.to_path_buf(),
        file,
        description: None,
        outputs,
        self_value,
        lock: None,
        inputs: BTreeMap::new(),
    })
}

fn force_outputs(ev: &Evaluator, outputs: &Value, file: &Path, pos: Pos) -> Result<Value, Error> {
    match ev.force(outputs).map_err(|error| eval_error(ev, &error))? {
        value @ Value::Attrs(_) => Ok(value),
        other => Err(invalid(
            ev,
            pos,
            format!(
                "{}: the outputs must be an attribute set (such as `{{ nixosConfigurations = …; }}`), but they are {}",
                file.display(),
                other.type_().described()
            ),
        )),
    }
}

fn entry(name: &str, value: Value) -> AttrEntry {
    AttrEntry { name: Symbol::intern(name), value, pos: Pos::NONE }
}

/// Whether calling `function` with an attribute set containing `name` is
/// allowed and useful: it names it, takes `...`, or takes the whole set.
fn accepts(function: &Value, name: &str) -> bool {
    match function {
        Value::Lambda(closure) => match &closure.def.param {
            Param::Ident(_) => true,
            Param::Pattern { formals, ellipsis, .. } => *ellipsis || formals.iter().any(|f| f.name.as_str() == name),
        },
        _ => true,
    }
}

fn builtin_attrs(builtins: &[(&str, Value)], keep: impl Fn(&str) -> bool) -> eval::Rc<Attrs> {
    Attrs::from_unsorted(builtins.iter().filter(|(name, _)| keep(name)).map(|(n, v)| entry(n, v.clone())).collect())
}

/// `outputs` naming an input that is neither declared nor built in (and has
/// no default) cannot be called: Nix would look it up in the registry.
fn check_outputs_formals(ev: &Evaluator, flake: &FlakeFile, builtins: &[(&str, Value)]) -> Result<(), Error> {
    let Value::Lambda(closure) = &flake.outputs else {
        return Ok(());
    };
    let Param::Pattern { formals, .. } = &closure.def.param else {
        return Ok(());
    };
    for formal in formals.iter() {
        let name = formal.name.as_str();
        let known = name == "self" || flake.inputs.contains_key(name) || builtins.iter().any(|(b, _)| *b == name);
        if !known && formal.default.is_none() {
            return Err(invalid(
                ev,
                formal.pos,
                format!(
                    "the outputs of flake '{}' take the input '{name}', which is not declared: add \
                     `inputs.{name}.url = \"…\";` (a `path:` or `git+file://` URL) to flake.nix",
                    flake.file.parent().unwrap_or(Path::new("/")).display()
                ),
            ));
        }
    }
    Ok(())
}

fn is_builtin(builtins: &[(&str, Value)], name: &str) -> bool {
    builtins.iter().any(|(builtin, _)| *builtin == name)
}

fn lock_hint(input: &str) -> String {
    format!("run `strata flake lock` to lock it (or `strata flake update {input}`)")
}

/// Checks that every input the root flake declares (and every override it
/// makes) is in `flake.lock` as declared.
fn check_locked(
    dir: &Path,
    declared: &BTreeMap<String, InputSpec>,
    lock: &LockFile,
    builtins: &[(&str, Value)],
) -> Result<(), Error> {
    let lock_path = dir.join("flake.lock");
    let has_file = lock_path.is_file();
    for (name, spec) in declared {
        if is_builtin(builtins, name) {
            continue;
        }
        check_spec(&lock.root, std::slice::from_ref(name), spec, lock, has_file, &lock_path, builtins)?;
    }
    Ok(())
}

fn check_spec(
    parent: &LockNode,
    path: &[String],
    spec: &InputSpec,
    lock: &LockFile,
    has_file: bool,
    lock_path: &Path,
    builtins: &[(&str, Value)],
) -> Result<(), Error> {
    let input = path.join("/");
    let name = path.last().map(String::as_str).unwrap_or("");
    let unlocked = |why: String| Error::Unlocked {
        input: input.clone(),
        message: if has_file {
            format!("{why}; {}", lock_hint(&input))
        } else {
            format!("{why}: {} does not exist; run `strata flake lock` to create it", lock_path.display())
        },
    };
    let edge = parent.inputs.get(name);
    if let Some(follows) = &spec.follows {
        return match edge {
            Some(LockEdge::Follows(target)) if target == follows => Ok(()),
            _ => Err(unlocked(format!(
                "input '{input}' follows '{}' in flake.nix, but flake.lock does not record that",
                follows.join("/")
            ))),
        };
    }
    let node = match (edge, &spec.reference) {
        (None, Some(_)) | (None, None) if !has_file => {
            return Err(unlocked(format!("input '{input}' is not locked")));
        }
        (None, Some(_)) => return Err(unlocked(format!("input '{input}' is not locked in flake.lock"))),
        (None, None) => return Ok(()),
        (Some(LockEdge::Follows(target)), Some(_)) => {
            return Err(unlocked(format!(
                "input '{input}' follows '{}' in flake.lock, but flake.nix gives it a URL",
                target.join("/")
            )))
        }
        (Some(LockEdge::Follows(target)), None) => match lock.node(target) {
            Ok(node) => node,
            Err(message) => return Err(unlocked(format!("input '{input}' in flake.lock: {message}"))),
        },
        (Some(LockEdge::Node(node)), reference) => {
            if let Some(reference) = reference {
                if node.original.as_ref() != Some(reference) {
                    return Err(unlocked(format!(
                        "input '{input}' changed in flake.nix (now '{}', locked as '{}')",
                        fetch::describe(reference),
                        node.original.as_ref().map(fetch::describe).unwrap_or_default()
                    )));
                }
                if node.flake != spec.is_flake() {
                    return Err(unlocked(format!("the `flake` attribute of input '{input}' changed in flake.nix")));
                }
            }
            node
        }
    };
    for (child, child_spec) in &spec.overrides {
        if is_builtin(builtins, child) {
            continue;
        }
        let mut child_path = path.to_vec();
        child_path.push(child.clone());
        check_spec(node, &child_path, child_spec, lock, has_file, lock_path, builtins)?;
    }
    Ok(())
}

/// The root's source information, computed when `self` is first forced
/// (finding git information costs a few `git` calls).
fn root_source_info(dir: &Path, options: &Options) -> SourceInfo {
    let dir = dir.to_path_buf();
    let skip_git = options.skip_root_git_info;
    Box::new(move || root_source_info_now(&dir, skip_git))
}

fn root_source_info_now(dir: &Path, skip_git: bool) -> eval::Rc<Attrs> {
    let mut entries = vec![entry("outPath", Value::string(dir.to_string_lossy().into_owned()))];
    if !skip_git {
        if let Some(info) = fetch::root_git_info(dir) {
            let short = info.rev.get(..7).unwrap_or(&info.rev).to_string();
            if info.dirty {
                entries.push(entry("dirtyRev", Value::string(format!("{}-dirty", info.rev))));
                entries.push(entry("dirtyShortRev", Value::string(format!("{short}-dirty"))));
            } else {
                entries.push(entry("rev", Value::string(info.rev.clone())));
                entries.push(entry("shortRev", Value::string(short)));
                entries.push(entry("revCount", Value::Int(info.rev_count as i64)));
            }
            entries.push(entry("lastModified", Value::Int(info.last_modified as i64)));
            entries.push(entry("lastModifiedDate", Value::string(fetch::format_date(info.last_modified))));
        }
    }
    Attrs::from_unsorted(entries)
}

fn input_source_info(source: &Source) -> eval::Rc<Attrs> {
    let mut entries = vec![entry("outPath", Value::string(source.dir.to_string_lossy().into_owned()))];
    for (name, attr) in &source.locked {
        match (name.as_str(), attr) {
            ("narHash", Attr::String(text)) => entries.push(entry("narHash", Value::string(text.clone()))),
            ("rev", Attr::String(rev)) => {
                entries.push(entry("rev", Value::string(rev.clone())));
                entries.push(entry("shortRev", Value::string(rev.get(..7).unwrap_or(rev).to_string())));
            }
            ("revCount", Attr::Int(count)) => entries.push(entry("revCount", Value::Int(*count as i64))),
            ("lastModified", Attr::Int(time)) => {
                entries.push(entry("lastModified", Value::Int(*time as i64)));
                entries.push(entry("lastModifiedDate", Value::string(fetch::format_date(*time))));
            }
            _ => {}
        }
    }
    Attrs::from_unsorted(entries)
}

/// Source information (`outPath`, `narHash`, `rev`, …), computed on demand.
type SourceInfo = Box<dyn FnOnce() -> eval::Rc<Attrs>>;

/// `self`: when forced, the outputs (set into `cell` once they exist)
/// merged with the source information.
fn self_thunk(cell: Rc<RefCell<Option<Value>>>, dir: &Path, info: SourceInfo, inputs: eval::Rc<Attrs>) -> Value {
    let out_path = Value::string(dir.to_string_lossy().into_owned());
    Value::lazy(move |ev: &Evaluator| {
        let outputs = cell.borrow().clone().ok_or_else(|| {
            EvalError::new(ErrorKind::InfiniteRecursion, Pos::NONE, "infinite recursion encountered (self)")
        })?;
        let outputs = ev.force_attrs(&outputs, Pos::NONE)?;
        let info = info();
        let extra = Attrs::from_unsorted(vec![
            entry("outPath", out_path),
            entry("inputs", Value::attrs(inputs)),
            entry("sourceInfo", Value::attrs(info.clone())),
            entry("_type", Value::string("flake")),
        ]);
        Ok(Value::attrs(Attrs::update(&Attrs::update(&outputs, &info), &extra)))
    })
}

/// Builds the values of locked inputs, fetching each once.
struct Loader<'a> {
    ev: &'a Evaluator,
    builtins: &'a [(&'a str, Value)],
    options: &'a Options,
    root_dir: PathBuf,
    lock: LockFile,
    /// Input values by canonical input path.
    values: HashMap<Vec<String>, Value>,
    /// Fetched directories by canonical input path.
    dirs: HashMap<Vec<String>, PathBuf>,
    cache: Option<PathBuf>,
}

impl Loader<'_> {
    fn cache(&mut self) -> Result<PathBuf, Error> {
        if let Some(cache) = &self.cache {
            return Ok(cache.clone());
        }
        let cache = self.options.cache()?;
        self.cache = Some(cache.clone());
        Ok(cache)
    }

    /// Calls a flake's `outputs`; returns `self` and the raw outputs.
    fn call_flake(
        &mut self,
        flake: &FlakeFile,
        path: &[String],
        dir: &Path,
        info: SourceInfo,
    ) -> Result<(Value, Value), Error> {
        let mut entries = Vec::new();
        let node = self.lock.node(path).cloned().map_err(|message| Error::Unlocked {
            input: path.join("/"),
            message: format!("flake.lock: {message}; {}", lock_hint(&path.join("/"))),
        })?;
        for name in flake.inputs.keys() {
            if is_builtin(self.builtins, name) {
                continue;
            }
            let mut child = path.to_vec();
            child.push(name.clone());
            if !node.inputs.contains_key(name) {
                let input = child.join("/");
                return Err(Error::Unlocked {
                    message: format!("input '{input}' is not locked in flake.lock; {}", lock_hint(&input)),
                    input,
                });
            }
            let value = self.input_value(&child)?;
            entries.push(entry(name, value));
        }
        for (name, value) in self.builtins {
            if flake.inputs.contains_key(*name) || accepts(&flake.outputs, name) {
                entries.push(entry(name, value.clone()));
            }
        }
        let inputs = Attrs::from_unsorted(entries);
        let cell: Rc<RefCell<Option<Value>>> = Rc::default();
        let self_value = self_thunk(cell.clone(), dir, info, inputs.clone());
        let arguments = Attrs::update(&inputs, &Attrs::from_unsorted(vec![entry("self", self_value.clone())]));
        let outputs = Value::lazy_apply(flake.outputs.clone(), Value::attrs(arguments));
        cell.replace(Some(outputs.clone()));
        Ok((self_value, outputs))
    }

    fn dir_of(&mut self, path: &[String]) -> Result<PathBuf, Error> {
        if path.is_empty() {
            return Ok(self.root_dir.clone());
        }
        let canonical = self.canonical(path)?;
        if !self.dirs.contains_key(&canonical) {
            self.input_value(&canonical)?;
        }
        self.dirs.get(&canonical).cloned().ok_or_else(|| Error::Unlocked {
            input: path.join("/"),
            message: format!("input '{}' has no source directory", path.join("/")),
        })
    }

    fn canonical(&self, path: &[String]) -> Result<Vec<String>, Error> {
        self.lock.canonical_path(path).map_err(|message| Error::Unlocked {
            input: path.join("/"),
            message: format!("flake.lock: {message}; {}", lock_hint(&path.join("/"))),
        })
    }

    /// The value of the input at `path` (fetched and, for flakes, called).
    fn input_value(&mut self, path: &[String]) -> Result<Value, Error> {
        let canonical = self.canonical(path)?;
        if let Some(value) = self.values.get(&canonical) {
            return Ok(value.clone());
        }
        let name = canonical.join("/");
        let node = self.lock.node(&canonical).cloned().map_err(|message| Error::Unlocked {
            input: name.clone(),
            message: format!("flake.lock: {message}; {}", lock_hint(&name)),
        })?;
        let locked = node.locked.clone().ok_or_else(|| Error::Unlocked {
            input: name.clone(),
            message: format!("input '{name}' has no locked reference in flake.lock; {}", lock_hint(&name)),
        })?;
        let base_dir = match &node.parent {
            Some(parent) => self.dir_of(parent)?,
            None => self.root_dir.clone(),
        };
        let cache = self.cache()?;
        let source = fetch::fetch_locked(&locked, &base_dir, &name, &cache)?;
        self.dirs.insert(canonical.clone(), source.dir.clone());
        let info = input_source_info(&source);
        let value = if node.flake {
            if !source.dir.join("flake.nix").is_file() {
                return Err(Error::Invalid(format!(
                    "input '{name}' ({}) has no flake.nix; if it is plain source, declare it with `flake = false;`",
                    fetch::describe(&locked)
                )));
            }
            let names: Vec<&str> = self.builtins.iter().map(|(name, _)| *name).collect();
            let flake = read_flake(self.ev, &source.dir, &canonical, &names)?;
            check_outputs_formals(self.ev, &flake, self.builtins)?;
            let (self_value, _) = self.call_flake(&flake, &canonical, &source.dir, Box::new(move || info))?;
            self_value
        } else {
            Value::attrs(info)
        };
        self.values.insert(canonical, value.clone());
        Ok(value)
    }
}
