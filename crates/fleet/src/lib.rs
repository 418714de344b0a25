//! The fleet layer: a repository of machines, each a configuration made by
//! `strata.lib.nixosSystem`, and the questions commands ask about them.
//!
//! [`Repo::open`] sets up an evaluator with the embedded lib and standard
//! modules, builds the built-in `strata` input (lib, `nixosSystem`, the
//! target's [`pkgs`]) and loads the repository's outputs through the `flake`
//! crate. Machines are `outputs.nixosConfigurations.<name>`. Everything
//! returned is plain data (serde-serialisable), so the CLI, plans and a web
//! API can share it without holding the evaluator.

pub mod cache;
pub mod incremental;
pub mod pkgs;
pub mod shown;

use eval::Rc;
use std::cell::OnceCell;
use std::fmt;
use std::path::{Path, PathBuf};

use eval::io::StdIO;
use eval::{Attrs, EvalError, EvalOptions, Evaluator, Value};
use serde::Serialize;
use syntax::ast::Pos;

pub use shown::Shown;

/// Something that stopped a fleet command, with a complete message.
#[derive(Debug, Clone)]
pub struct Error {
    message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error { message: message.into() }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// What `strata hosts` shows for one machine.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct HostSummary {
    pub name: String,
    pub system: String,
    pub tags: Vec<String>,
    /// Modules evaluated for the machine (after `imports`), standard ones included.
    pub modules: usize,
    /// Options declared for the machine.
    pub options: usize,
}

/// Where a definition was written.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DefinitionSite {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub priority: i64,
}

/// An option with at least one definition, and its value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OptionValue {
    pub path: String,
    pub value: serde_json::Value,
    pub definitions: Vec<DefinitionSite>,
}

/// A declared option, as `strata options` lists it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct OptionDoc {
    pub name: String,
    pub loc: Vec<String>,
    #[serde(rename = "type")]
    pub type_description: String,
    pub description: Option<String>,
    pub default: Option<String>,
    pub example: Option<String>,
    #[serde(rename = "readOnly")]
    pub read_only: bool,
    pub declarations: Vec<String>,
    /// `file:line:column` of each declaration, where known.
    pub positions: Vec<String>,
}

/// An opened repository.
pub struct Repo {
    root: PathBuf,
    ev: Evaluator,
    outputs: Value,
    configurations: OnceCell<Rc<Attrs>>,
    recorded: std::rc::Rc<std::cell::RefCell<cache::Dependencies>>,
}

/// One machine of a repository.
pub struct Machine<'a> {
    repo: &'a Repo,
    name: String,
    system: Rc<Attrs>,
}

fn io_error(what: &str, path: &Path, error: std::io::Error) -> Error {
    Error::new(format!("error: cannot {what} '{}': {error}", path.display()))
}

impl Repo {
    /// Opens the repository at `dir`: `flake.nix`, or `default.nix` when
    /// there is no flake.
    pub fn open(dir: &Path) -> Result<Repo, Error> {
        let root = std::fs::canonicalize(dir).map_err(|e| io_error("open the repository", dir, e))?;
        if !root.is_dir() {
            return Err(Error::new(format!("error: '{}' is not a directory", root.display())));
        }
        let recorded = std::rc::Rc::new(std::cell::RefCell::new(cache::Dependencies::default()));
        let io = modules::LibIO::new(cache::RecordingIO::new(StdIO, recorded.clone()));
        let options = EvalOptions { builtin_search_path: vec![modules::search_path_entry()], ..EvalOptions::default() };
        let ev = Evaluator::new(options, Box::new(io));
        let strata = strata_input(&ev).map_err(|e| Error::new(ev.render_error(&e, false)))?;
        let outputs = load_outputs(&ev, &root, strata)?;
        Ok(Repo { root, ev, outputs, configurations: OnceCell::new(), recorded })
    }

    /// Everything evaluation read so far (files, directories, environment),
    /// plus the repository files read outside the evaluator, for
    /// [`cache::store`].
    pub fn dependencies(&self) -> cache::Dependencies {
        let mut dependencies = self.recorded.borrow().clone();
        for name in ["flake.nix", "flake.lock", "default.nix"] {
            dependencies.add_file(&self.root.join(name));
        }
        dependencies
    }

    /// Lets evaluation use the stack down to `lowest_address` (see
    /// [`Evaluator::set_stack_limit`]).
    pub fn set_stack_limit(&self, lowest_address: usize) {
        self.ev.set_stack_limit(lowest_address);
    }

    /// Drops the repository and everything it evaluated, also the values
    /// still in reference cycles (see [`Evaluator::discard_scopes`]), which
    /// would otherwise stay allocated until the process ends.
    pub fn discard(self) {
        let Repo { ev, outputs, configurations, .. } = self;
        let mut roots = vec![outputs];
        roots.extend(configurations.into_inner().map(Value::Attrs));
        ev.discard_scopes(roots);
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn evaluator(&self) -> &Evaluator {
        &self.ev
    }

    /// The repository's outputs (the flake's `outputs`, or `default.nix`).
    pub fn outputs(&self) -> &Value {
        &self.outputs
    }

    /// An evaluation error as a complete message.
    pub fn render(&self, error: &EvalError) -> Error {
        Error::new(self.ev.render_error(error, false))
    }

    /// The git revision of the repository's HEAD, with `+dirty` when the
    /// work tree has changes; `None` outside git.
    pub fn source_revision(&self) -> Option<String> {
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(&self.root)
                .args(args)
                .stderr(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|out| out.status.success())
                .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        };
        let rev = git(&["rev-parse", "HEAD"])?;
        let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
        Some(if dirty { format!("{rev}+dirty") } else { rev })
    }

    fn configurations(&self) -> Result<Rc<Attrs>, Error> {
        if let Some(attrs) = self.configurations.get() {
            return Ok(attrs.clone());
        }
        let outputs = self.ev.force_attrs(&self.outputs, Pos::NONE).map_err(|e| self.render(&e))?;
        let attrs = match outputs.get_str("nixosConfigurations") {
            Some(value) => self.ev.force_attrs(value, Pos::NONE).map_err(|e| self.render(&e))?,
            None => Attrs::new(),
        };
        Ok(self.configurations.get_or_init(|| attrs).clone())
    }

    /// The machines' names, sorted.
    pub fn host_names(&self) -> Result<Vec<String>, Error> {
        Ok(self.configurations()?.entries().iter().map(|e| e.name.as_str().to_string()).collect())
    }

    /// One machine; an unknown name is an error listing the known ones.
    pub fn machine(&self, name: &str) -> Result<Machine<'_>, Error> {
        let configurations = self.configurations()?;
        let Some(value) = configurations.get_str(name) else {
            let names = self.host_names()?;
            let mut message = format!("error: no machine '{name}' in {}", self.root.display());
            let close = close_names(name, &names);
            if !close.is_empty() {
                message.push_str(&format!("; did you mean {}?", close.join(" or ")));
            }
            if names.is_empty() {
                message.push_str("\n(the repository defines no nixosConfigurations)");
            } else {
                message.push_str(&format!("\nmachines: {}", names.join(", ")));
            }
            return Err(Error::new(message));
        };
        let system = self.ev.force_attrs(value, Pos::NONE).map_err(|e| self.render(&e))?;
        if system.get_str("config").is_none() || system.get_str("options").is_none() {
            return Err(Error::new(format!(
                "error: nixosConfigurations.{name} is not a machine configuration (it has no `config` and \
                 `options`); build it with strata.lib.nixosSystem {{ modules = [ ... ]; }}"
            )));
        }
        Ok(Machine { repo: self, name: name.to_string(), system })
    }

    /// A summary of every machine.
    pub fn hosts(&self) -> Result<Vec<HostSummary>, Error> {
        self.host_names()?.iter().map(|name| self.machine(name)?.summary()).collect()
    }

    /// Every declared option of the given machines (all when `hosts` is
    /// empty), each listed once, sorted by name.
    pub fn option_docs(&self, hosts: &[String]) -> Result<Vec<OptionDoc>, Error> {
        let names = if hosts.is_empty() { self.host_names()? } else { hosts.to_vec() };
        let mut docs: std::collections::BTreeMap<String, OptionDoc> = Default::default();
        for name in &names {
            for doc in self.machine(name)?.option_docs()? {
                match docs.get_mut(&doc.name) {
                    Some(known) => {
                        for declaration in doc.declarations {
                            if !known.declarations.contains(&declaration) {
                                known.declarations.push(declaration);
                            }
                        }
                        for position in doc.positions {
                            if !known.positions.contains(&position) {
                                known.positions.push(position);
                            }
                        }
                    }
                    None => {
                        docs.insert(doc.name.clone(), doc);
                    }
                }
            }
        }
        Ok(docs.into_values().collect())
    }
}

impl<'a> Machine<'a> {
    pub fn name(&self) -> &str {
        &self.name
    }

    fn ev(&self) -> &Evaluator {
        &self.repo.ev
    }

    fn field(&self, name: &str) -> Result<Value, Error> {
        self.system.get_str(name).cloned().ok_or_else(|| Error::new(format!("error: the machine has no `{name}`")))
    }

    /// The machine's `config`.
    pub fn config(&self) -> Result<Value, Error> {
        self.field("config")
    }

    /// The machine's `options`.
    pub fn options(&self) -> Result<Value, Error> {
        self.field("options")
    }

    /// The value at `path` under `config` (`None`: the configuration itself).
    pub fn value(&self, path: &[String]) -> Result<Value, Error> {
        let ev = self.ev();
        let mut value = self.config()?;
        for (depth, name) in path.iter().enumerate() {
            let attrs = ev.force_attrs(&value, Pos::NONE).map_err(|e| self.repo.render(&e))?;
            value = match attrs.get_str(name) {
                Some(value) => value.clone(),
                None => {
                    let known: Vec<String> = attrs.entries().iter().map(|e| e.name.as_str().to_string()).collect();
                    let mut message = format!(
                        "error: machine '{}' has no option or value `{}'",
                        self.name,
                        show_path(&path[..=depth])
                    );
                    let close = close_names(name, &known);
                    if !close.is_empty() {
                        let prefix = show_path(&path[..depth]);
                        let shown: Vec<String> = close
                            .iter()
                            .map(|c| if prefix.is_empty() { c.clone() } else { format!("{prefix}.{c}") })
                            .collect();
                        message.push_str(&format!("; did you mean {}?", shown.join(" or ")));
                    }
                    return Err(Error::new(message));
                }
            };
        }
        Ok(value)
    }

    /// The value at `path` (all of `config` without one), forced. Internal
    /// module arguments (`_module`) are left out of the whole configuration.
    pub fn show(&self, path: &[String]) -> Result<Shown, Error> {
        let value = self.value(path)?;
        let ev = self.ev();
        let value = ev.force(&value).map_err(|e| self.repo.render(&e))?;
        let shown = Shown::of(ev, &value);
        Ok(match shown {
            Shown::Attrs(entries) if path.is_empty() => {
                Shown::Attrs(entries.into_iter().filter(|(name, _)| name != "_module").collect())
            }
            other => other,
        })
    }

    /// Where the value at `path` comes from. A path inside the value of an
    /// attribute-set option (`users.users.alice.home`) explains the option
    /// that holds it (`users.users`); [`Explanation::option`] says which.
    pub fn explain(&self, path: &[String]) -> Result<Explanation, Error> {
        if path.is_empty() {
            return Err(Error::new("error: --explain needs an option path"));
        }
        let options = self.options()?;
        let ev = self.ev();
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        match modules::explain_path(ev, &options, &parts) {
            Ok((provenance, option_len)) => Ok(Explanation::new(&path[..option_len], provenance)),
            Err(error) if error.kind() == eval::ErrorKind::Missing => {
                Err(Error::new(format!("error: machine '{}': {}", self.name, error.message())))
            }
            Err(error) => Err(self.repo.render(&error)),
        }
    }

    /// `config.system.build.strata`, the rendered machine, as JSON, with the
    /// packages that strings refer to (through `pkgs`) added to `packages`.
    /// Failed assertions are an error listing them.
    pub fn rendered(&self) -> Result<serde_json::Value, Error> {
        let failed = self.failed_assertions()?;
        if !failed.is_empty() {
            let list: Vec<String> = failed.iter().map(|m| format!("- {m}")).collect();
            return Err(Error::new(format!(
                "error: machine '{}':\nFailed assertions:\n{}",
                self.name,
                list.join("\n")
            )));
        }
        let path = ["system".to_string(), "build".to_string(), "strata".to_string()];
        let value = self.value(&path)?;
        let ev = self.ev();
        let mut out = String::new();
        let mut context = eval::Context::new();
        ev.to_json(&value, Pos::NONE, &mut out, &mut context).map_err(|e| self.repo.render(&e))?;
        let mut json: serde_json::Value = serde_json::from_str(&out)
            .map_err(|e| Error::new(format!("error: the rendered machine is not valid JSON: {e}")))?;
        let mut packages = pkgs::packages_in(&context);
        if let Some(listed) = json.get("packages").and_then(|p| p.as_array()) {
            packages.extend(listed.iter().filter_map(|p| p.as_str().map(str::to_string)));
        }
        packages.sort();
        packages.dedup();
        if let Some(object) = json.as_object_mut() {
            object.insert("packages".into(), serde_json::json!(packages));
        }
        Ok(json)
    }

    /// The messages of `config.assertions` whose assertion is false.
    pub fn failed_assertions(&self) -> Result<Vec<String>, Error> {
        let ev = self.ev();
        let render = |e: EvalError| self.repo.render(&e);
        let config = ev.force_attrs(&self.config()?, Pos::NONE).map_err(render)?;
        let Some(assertions) = config.get_str("assertions") else {
            return Ok(Vec::new());
        };
        let mut failed = Vec::new();
        for item in ev.force_list(assertions, Pos::NONE).map_err(render)?.items() {
            let item = ev.force_attrs(item, Pos::NONE).map_err(render)?;
            let holds = match item.get_str("assertion") {
                Some(value) => ev.force_bool(value, Pos::NONE).map_err(render)?,
                None => true,
            };
            if !holds {
                let message = match item.get_str("message") {
                    Some(message) => ev.force_str(message, Pos::NONE).map_err(render)?,
                    None => "(an assertion without a message)".to_string(),
                };
                failed.push(message);
            }
        }
        Ok(failed)
    }

    /// `config.warnings`.
    pub fn warnings(&self) -> Result<Vec<String>, Error> {
        let ev = self.ev();
        let render = |e: EvalError| self.repo.render(&e);
        let config = ev.force_attrs(&self.config()?, Pos::NONE).map_err(render)?;
        let Some(warnings) = config.get_str("warnings") else {
            return Ok(Vec::new());
        };
        ev.force_list(warnings, Pos::NONE)
            .map_err(render)?
            .items()
            .iter()
            .map(|w| ev.force_str(w, Pos::NONE).map_err(render))
            .collect()
    }

    /// Every option with at least one definition, with its value and the
    /// definitions it came from.
    pub fn option_values(&self) -> Result<Vec<OptionValue>, Error> {
        let ev = self.ev();
        let options = self.options()?;
        let paths = modules::list_options(ev, &options).map_err(|e| self.repo.render(&e))?;
        let mut values = Vec::new();
        for path in paths {
            if path.first().is_some_and(|p| p == "_module") {
                continue;
            }
            let parts: Vec<&str> = path.iter().map(String::as_str).collect();
            let provenance = modules::explain(ev, &options, &parts).map_err(|e| self.repo.render(&e))?;
            if provenance.definitions.is_empty() {
                continue;
            }
            let definitions = provenance
                .definitions
                .iter()
                .filter(|d| d.is_used(&provenance))
                .map(|d| DefinitionSite {
                    file: d.file.clone(),
                    line: d.line.unwrap_or(0),
                    column: d.column.unwrap_or(0),
                    priority: d.priority,
                })
                .collect();
            let value = match self.value(&path) {
                Ok(value) => Shown::of(ev, &value).to_json(),
                Err(error) => serde_json::json!({ "error": error.message() }),
            };
            values.push(OptionValue { path: show_path(&path), value, definitions });
        }
        Ok(values)
    }

    /// What `strata hosts` shows for this machine.
    pub fn summary(&self) -> Result<HostSummary, Error> {
        let ev = self.ev();
        let render = |e: EvalError| self.repo.render(&e);
        let strata = self.value(&["strata".to_string()])?;
        let strata = ev.force_attrs(&strata, Pos::NONE).map_err(render)?;
        let system = match strata.get_str("system") {
            Some(value) => ev.force_str(value, Pos::NONE).map_err(render)?,
            None => String::new(),
        };
        let tags = match strata.get_str("tags") {
            Some(value) => ev
                .force_list(value, Pos::NONE)
                .map_err(render)?
                .items()
                .iter()
                .map(|t| ev.force_str(t, Pos::NONE).map_err(render))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let modules = match self.system.get_str("graph") {
            Some(graph) => count_modules(ev, graph).map_err(render)?,
            None => 0,
        };
        let options = modules::list_options(ev, &self.options()?).map_err(render)?.len();
        Ok(HostSummary { name: self.name.clone(), system, tags, modules, options })
    }

    /// The machine's declared options, documented.
    pub fn option_docs(&self) -> Result<Vec<OptionDoc>, Error> {
        let ev = self.ev();
        let render = |e: EvalError| self.repo.render(&e);
        let docs = ev
            .eval_source(
                "«strata options»",
                "{ lib, options }: import <strata/nixos/lib/option-docs.nix> { inherit lib options; }",
                "/",
            )
            .map_err(render)?;
        let lib = ev.eval_source("«strata options»", "import <strata/lib>", "/").map_err(render)?;
        let argument = Value::attrs(Attrs::from_unsorted(vec![
            eval::AttrEntry { name: syntax::Symbol::intern("lib"), value: lib, pos: Pos::NONE },
            eval::AttrEntry { name: syntax::Symbol::intern("options"), value: self.options()?, pos: Pos::NONE },
        ]));
        let list = ev.call(&docs, argument, Pos::NONE).map_err(render)?;
        let mut out = String::new();
        ev.to_json(&list, Pos::NONE, &mut out, &mut eval::Context::new()).map_err(render)?;
        serde_json::from_str(&out).map_err(|e| Error::new(format!("error: reading option documentation: {e}")))
    }
}

/// How a value came to be, for `strata show --explain`.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The path asked about.
    pub path: String,
    /// The option explained: `path` itself, or the option whose value holds it.
    pub option: String,
    pub type_description: String,
    pub value: Option<String>,
    pub default: Option<String>,
    pub default_used: bool,
    pub highest_priority: i64,
    pub declarations: Vec<String>,
    pub definitions: Vec<ExplainedDefinition>,
}

/// One definition behind a value.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainedDefinition {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub priority: i64,
    /// `None` for a definition a false `mkIf` switched off.
    pub value: Option<String>,
    /// Whether it takes part in the value (highest priority, condition true).
    pub used: bool,
    /// A `mkIf` condition was false.
    pub disabled: bool,
}

impl Explanation {
    fn new(option: &[String], provenance: modules::OptionProvenance) -> Explanation {
        let mut definitions: Vec<ExplainedDefinition> = provenance
            .definitions
            .iter()
            .map(|d| ExplainedDefinition {
                file: d.file.clone(),
                line: d.line,
                column: d.column,
                priority: d.priority,
                value: Some(d.value.clone()),
                used: d.is_used(&provenance),
                disabled: false,
            })
            .collect();
        definitions.extend(provenance.disabled.iter().map(|d| ExplainedDefinition {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            priority: modules::provenance::PLAIN_PRIORITY,
            value: None,
            used: false,
            disabled: true,
        }));
        Explanation {
            path: show_path(&provenance.path),
            option: show_path(option),
            type_description: provenance.type_description,
            value: provenance.value,
            default: provenance.default,
            default_used: provenance.default_used,
            highest_priority: provenance.highest_priority,
            declarations: provenance.declarations,
            definitions,
        }
    }
}

fn count_modules(ev: &Evaluator, graph: &Value) -> Result<usize, EvalError> {
    let mut count = 0;
    for node in ev.force_list(graph, Pos::NONE)?.items() {
        count += 1;
        let node = ev.force_attrs(node, Pos::NONE)?;
        if let Some(imports) = node.get_str("imports") {
            count += count_modules(ev, imports)?;
        }
    }
    Ok(count)
}

/// `a.b."c.d"`: an option path as people write it.
pub fn show_path(path: &[String]) -> String {
    path.iter().map(|p| shown::attr_name(p)).collect::<Vec<_>>().join(".")
}

/// Splits `a.b."c.d"` into its names.
pub fn parse_path(text: &str) -> Result<Vec<String>, Error> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars();
    let mut quoted_any = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted_any = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(escaped) => current.push(escaped),
                            None => {
                                return Err(Error::new(format!("error: unterminated quote in option path '{text}'")))
                            }
                        },
                        Some(other) => current.push(other),
                        None => return Err(Error::new(format!("error: unterminated quote in option path '{text}'"))),
                    }
                }
            }
            '.' => {
                if current.is_empty() && !quoted_any {
                    return Err(Error::new(format!("error: empty name in option path '{text}'")));
                }
                names.push(std::mem::take(&mut current));
                quoted_any = false;
            }
            c => current.push(c),
        }
    }
    if current.is_empty() && !quoted_any {
        return Err(Error::new(format!("error: empty name in option path '{text}'")));
    }
    names.push(current);
    Ok(names)
}

/// Names within a small edit distance of `name`, closest first.
pub fn close_names(name: &str, candidates: &[String]) -> Vec<String> {
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &String)> =
        candidates.iter().map(|c| (edit_distance(name, c), c)).filter(|(d, c)| *d <= limit && *c != name).collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c.clone()).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The built-in `strata` input: `<strata/nixos/lib/strata-input.nix>`
/// applied to the package set.
fn strata_input(ev: &Evaluator) -> Result<Value, EvalError> {
    let function = ev.eval_source("«strata input»", "import <strata/nixos/lib/strata-input.nix>", "/")?;
    let argument = Value::attrs(Attrs::from_unsorted(vec![eval::AttrEntry {
        name: syntax::Symbol::intern("pkgs"),
        value: pkgs::package_set(),
        pos: Pos::NONE,
    }]));
    ev.call(&function, argument, Pos::NONE)
}

/// The repository's outputs.
fn load_outputs(ev: &Evaluator, root: &Path, strata: Value) -> Result<Value, Error> {
    let loaded =
        flake::load(ev, root, &[(flake::BUILTIN_STRATA, strata)]).map_err(|e| Error::new(format!("error: {e}")))?;
    Ok(loaded.outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_paths_parse_with_quotes() {
        assert_eq!(parse_path("a.b.c").unwrap(), ["a", "b", "c"]);
        assert_eq!(parse_path("users.users.\"a.b\".home").unwrap(), ["users", "users", "a.b", "home"]);
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a.\"b").is_err());
        assert_eq!(show_path(&parse_path("x.\"a.b\".y-z").unwrap()), "x.\"a.b\".y-z");
    }

    #[test]
    fn close_names_suggest_typos() {
        let names: Vec<String> = ["web1", "web2", "db"].iter().map(|s| s.to_string()).collect();
        assert_eq!(close_names("wbe1", &names), ["web1"]);
        assert!(close_names("zzzzzz", &names).is_empty());
    }
}
