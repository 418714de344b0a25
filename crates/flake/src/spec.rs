//! What a flake declares: flake references (URLs and attribute sets) and
//! the top level of `flake.nix` (`description`, `inputs`, `outputs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use eval::{Evaluator, Value};
use syntax::ast::Pos;

use crate::error::Error;
use crate::lockfile::{Attr, FetchAttrs};
use crate::{eval_error, invalid};

/// One declared input (or an override of a transitive input).
#[derive(Clone, Debug)]
pub struct InputSpec {
    /// Where the declaration is (for errors).
    pub pos: Pos,
    /// The reference as Nix's `original` attributes (`type`, `path`/`url`, `ref`, `rev`).
    pub reference: Option<FetchAttrs>,
    /// `follows`, as an input path from the root flake.
    pub follows: Option<Vec<String>>,
    /// `flake = false` when the input is plain source.
    pub flake: Option<bool>,
    /// `inputs.<name>.inputs.<child> = { … }`: overrides of the input's own inputs.
    pub overrides: BTreeMap<String, InputSpec>,
    /// The input path of the flake whose `flake.nix` declared this.
    pub declared_by: Vec<String>,
    /// The directory relative `path:` references are resolved against.
    pub base_dir: PathBuf,
}

impl InputSpec {
    /// Whether the input is a flake (the default).
    pub fn is_flake(&self) -> bool {
        self.flake.unwrap_or(true)
    }

    /// `self` with the reference or `follows` of `over` (an override from
    /// an ancestor flake wins over the declaring flake's own declaration);
    /// whether the input is a flake stays as the declaring flake says, as
    /// in Nix.
    pub fn overridden_by(&self, over: &InputSpec) -> InputSpec {
        let mut merged = self.clone();
        if over.reference.is_some() || over.follows.is_some() {
            merged.reference = over.reference.clone();
            merged.follows = over.follows.clone();
            merged.declared_by = over.declared_by.clone();
            merged.base_dir = over.base_dir.clone();
            merged.pos = over.pos;
        }
        merged
    }
}

/// A parsed `flake.nix`.
pub struct FlakeFile {
    /// The `flake.nix` file.
    pub file: PathBuf,
    /// The `description`, when there is one.
    pub description: Option<String>,
    /// The declared inputs by name (without the built-in ones).
    pub inputs: BTreeMap<String, InputSpec>,
    /// The `outputs` function (forced).
    pub outputs: Value,
    /// Where `outputs` is defined.
    pub outputs_pos: Pos,
}

/// Evaluates `dir/flake.nix` and checks its shape. `prefix` is the input
/// path of this flake (empty for the root flake). Declarations of the
/// built-in inputs (`builtins`) are accepted whatever they say: the
/// built-in value is used.
pub fn read_flake(ev: &Evaluator, dir: &Path, prefix: &[String], builtins: &[&str]) -> Result<FlakeFile, Error> {
    let file = dir.join("flake.nix");
    let value = crate::import_file(ev, &file)?;
    let shown = dir.display();
    let attrs = match ev.force(&value).map_err(|e| eval_error(ev, &e))? {
        Value::Attrs(attrs) => attrs,
        other => {
            return Err(invalid(
                ev,
                Pos::NONE,
                format!(
                    "{}: a flake must be an attribute set with `inputs` and `outputs`, but it is {}",
                    file.display(),
                    other.type_().described()
                ),
            ))
        }
    };
    let mut flake = FlakeFile {
        file: file.clone(),
        description: None,
        inputs: BTreeMap::new(),
        outputs: Value::Null,
        outputs_pos: Pos::NONE,
    };
    let mut has_outputs = false;
    for entry in attrs.entries() {
        match entry.name.as_str() {
            "description" => {
                let text = ev.force_str(&entry.value, entry.pos).map_err(|e| eval_error(ev, &e))?;
                flake.description = Some(text);
            }
            "inputs" => {
                let inputs = ev.force_attrs(&entry.value, entry.pos).map_err(|e| eval_error(ev, &e))?;
                for input in inputs.entries() {
                    if builtins.contains(&input.name.as_str()) {
                        continue;
                    }
                    if input.name.as_str() == "self" {
                        return Err(invalid(
                            ev,
                            input.pos,
                            "an input cannot be called 'self': `outputs` receives the flake itself as `self`".into(),
                        ));
                    }
                    let spec = read_input(ev, input.name.as_str(), &input.value, input.pos, prefix, dir)?;
                    flake.inputs.insert(input.name.as_str().to_string(), spec);
                }
            }
            "outputs" => {
                let outputs = ev.force(&entry.value).map_err(|e| eval_error(ev, &e))?;
                if !outputs.is_function() {
                    return Err(invalid(
                        ev,
                        entry.pos,
                        format!(
                            "the `outputs` of flake '{shown}' is {}, but it must be a function taking the inputs \
                             (such as `outputs = {{ self, ... }}: {{ … }};`)",
                            outputs.type_().described()
                        ),
                    ));
                }
                flake.outputs = outputs;
                flake.outputs_pos = entry.pos;
                has_outputs = true;
            }
            "nixConfig" => {}
            other => {
                return Err(invalid(
                    ev,
                    entry.pos,
                    format!(
                        "flake '{shown}' has an unsupported attribute '{other}' \
                         (a flake has `description`, `inputs`, `outputs` and `nixConfig`)"
                    ),
                ))
            }
        }
    }
    if !has_outputs {
        return Err(invalid(ev, Pos::NONE, format!("{}: the flake has no `outputs` attribute", file.display())));
    }
    Ok(flake)
}

fn read_input(
    ev: &Evaluator,
    name: &str,
    value: &Value,
    pos: Pos,
    prefix: &[String],
    dir: &Path,
) -> Result<InputSpec, Error> {
    let attrs = match ev.force(value).map_err(|e| eval_error(ev, &e))? {
        Value::Attrs(attrs) => attrs,
        other => {
            return Err(invalid(
                ev,
                pos,
                format!(
                    "input '{name}' is {}, but it must be an attribute set such as `{{ url = \"path:./{name}\"; }}`",
                    other.type_().described()
                ),
            ))
        }
    };
    let mut spec = InputSpec {
        pos,
        reference: None,
        follows: None,
        flake: None,
        overrides: BTreeMap::new(),
        declared_by: prefix.to_vec(),
        base_dir: dir.to_path_buf(),
    };
    let mut url = None;
    let mut extra = FetchAttrs::new();
    for entry in attrs.entries() {
        let key = entry.name.as_str();
        let fail = |message: String| invalid(ev, entry.pos, format!("input '{name}': {message}"));
        match key {
            "url" => url = Some((ev.force_str(&entry.value, entry.pos).map_err(|e| eval_error(ev, &e))?, entry.pos)),
            "flake" => spec.flake = Some(ev.force_bool(&entry.value, entry.pos).map_err(|e| eval_error(ev, &e))?),
            "follows" => {
                let target = ev.force_str(&entry.value, entry.pos).map_err(|e| eval_error(ev, &e))?;
                let path: Vec<String> = target.split('/').filter(|part| !part.is_empty()).map(String::from).collect();
                if path.is_empty() {
                    return Err(fail("`follows = \"\"` (the root flake itself) is not supported".into()));
                }
                let mut absolute = prefix.to_vec();
                absolute.extend(path);
                spec.follows = Some(absolute);
            }
            "inputs" => {
                let children = ev.force_attrs(&entry.value, entry.pos).map_err(|e| eval_error(ev, &e))?;
                for child in children.entries() {
                    let child_name = format!("{name}/{}", child.name.as_str());
                    let child_spec = read_input(ev, &child_name, &child.value, child.pos, prefix, dir)?;
                    spec.overrides.insert(child.name.as_str().to_string(), child_spec);
                }
            }
            _ => {
                let attr = match ev.force(&entry.value).map_err(|e| eval_error(ev, &e))? {
                    Value::String(text) => Attr::String(text.text.clone()),
                    Value::Path(path) => Attr::String(path.to_string()),
                    Value::Bool(flag) => Attr::Bool(flag.get()),
                    Value::Int(number) if number >= 0 => Attr::Int(number as u64),
                    other => {
                        return Err(fail(format!(
                            "attribute '{key}' is {}, but it must be a string, a path, a Boolean or a natural number",
                            other.type_().described()
                        )))
                    }
                };
                extra.insert(key.to_string(), attr);
            }
        }
    }
    if extra.contains_key("type") {
        // The attribute-set form: `url` is one of the fetcher's attributes.
        if let Some((url, _)) = url.take() {
            extra.insert("url".into(), Attr::String(url));
        }
    }
    if let Some((url, url_pos)) = url {
        let mut reference =
            parse_url(&url).map_err(|message| invalid(ev, url_pos, format!("input '{name}': {message}")))?;
        reference.extend(extra);
        spec.reference = Some(
            check_reference(reference).map_err(|message| invalid(ev, url_pos, format!("input '{name}': {message}")))?,
        );
    } else if !extra.is_empty() {
        if !extra.contains_key("type") {
            let keys: Vec<_> = extra.keys().cloned().collect();
            return Err(invalid(
                ev,
                pos,
                format!("input '{name}' has attributes {} but neither `url` nor `type`", keys.join(", ")),
            ));
        }
        spec.reference =
            Some(check_reference(extra).map_err(|message| invalid(ev, pos, format!("input '{name}': {message}")))?);
    }
    if spec.reference.is_some() && spec.follows.is_some() {
        return Err(invalid(ev, pos, format!("input '{name}' has both a reference (`url`/`type`) and `follows`")));
    }
    Ok(spec)
}

/// Parses a flake URL into reference attributes. Strata resolves `path:`
/// and local `git+file://` references (and bare paths).
pub fn parse_url(url: &str) -> Result<FetchAttrs, String> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut attrs = FetchAttrs::new();
    if let Some(path) = base.strip_prefix("path:") {
        attrs.insert("type".into(), Attr::String("path".into()));
        attrs.insert("path".into(), Attr::String(percent_decode(path)));
    } else if base.starts_with('/') || base.starts_with("./") || base.starts_with("../") || base == "." {
        attrs.insert("type".into(), Attr::String("path".into()));
        attrs.insert("path".into(), Attr::String(percent_decode(base)));
    } else if let Some(rest) = base.strip_prefix("git+") {
        if !rest.starts_with("file://") {
            return Err(format!(
                "'{url}' is not a local repository: Strata fetches git inputs from local repositories \
                 (`git+file:///absolute/path`) only"
            ));
        }
        attrs.insert("type".into(), Attr::String("git".into()));
        attrs.insert("url".into(), Attr::String(percent_decode(rest)));
    } else if let Some((scheme, _)) = base.split_once(':') {
        return Err(format!(
            "'{url}' uses the input type '{scheme}', which Strata does not fetch; \
             use `path:` or a local `git+file://` repository"
        ));
    } else {
        return Err(format!(
            "'{url}' is an indirect reference (through the flake registry), which Strata does not support; \
             give a `path:` or `git+file://` URL"
        ));
    }
    for pair in query.into_iter().flat_map(|query| query.split('&')).filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        let attr = match key {
            "lastModified" | "revCount" => {
                Attr::Int(value.parse().map_err(|_| format!("'{key}' in '{url}' is not a natural number"))?)
            }
            _ => Attr::String(value),
        };
        attrs.insert(key.to_string(), attr);
    }
    Ok(attrs)
}

/// Checks the attributes of a reference against what its type accepts.
pub fn check_reference(mut attrs: FetchAttrs) -> Result<FetchAttrs, String> {
    let kind = attrs.get("type").and_then(Attr::as_str).ok_or("the reference has no string `type`")?.to_string();
    let allowed: &[&str] = match kind.as_str() {
        "path" => &["type", "path", "narHash", "lastModified", "rev", "revCount"],
        "git" => &["type", "url", "ref", "rev", "narHash", "lastModified", "revCount", "shallow", "submodules"],
        other => {
            return Err(format!(
                "input type '{other}' is not supported: Strata fetches `path` and (local) `git` inputs"
            ))
        }
    };
    if let Some(key) = attrs.keys().find(|key| !allowed.contains(&key.as_str())) {
        return Err(format!(
            "attribute '{key}' is not supported for `{kind}` inputs (allowed: {})",
            allowed.join(", ")
        ));
    }
    match kind.as_str() {
        "path" => {
            attrs.get("path").and_then(Attr::as_str).ok_or("a `path` input needs a string `path`")?;
        }
        _ => {
            let url = attrs.get("url").and_then(Attr::as_str).ok_or("a `git` input needs a string `url`")?;
            let url = if url.starts_with('/') { format!("file://{url}") } else { url.to_string() };
            let Some(path) = url.strip_prefix("file://") else {
                return Err(format!("'{url}' is not a local repository: git inputs must be `file:///absolute/path`"));
            };
            if !path.starts_with('/') {
                return Err(format!("'{url}' is not an absolute `file:///` URL"));
            }
            attrs.insert("url".into(), Attr::String(url));
            let submodules = match attrs.get("submodules") {
                Some(Attr::Bool(flag)) => *flag,
                Some(Attr::String(text)) => !matches!(text.as_str(), "0" | "false"),
                Some(Attr::Int(number)) => *number != 0,
                None => false,
            };
            if submodules {
                return Err("git submodules are not supported (`submodules = true`)".into());
            }
            if let Some(rev) = attrs.get("rev") {
                let rev = rev.as_str().unwrap_or("");
                if !crate::fetch::is_commit_hash(rev) {
                    return Err(format!("'{rev}' is not a full commit hash (40 hexadecimal digits)"));
                }
            }
        }
    }
    Ok(attrs)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).ok();
            if let Some(byte) = hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
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
