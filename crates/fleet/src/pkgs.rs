//! A machine's `pkgs`: the target distribution's packages as Nix values.
//!
//! `pkgs.jellyfin` is an attribute set shaped like a derivation whose
//! `outPath` is `/usr`, the prefix Debian installs packages under, so
//! `"${pkgs.jellyfin}/bin/jellyfin"` is `/usr/bin/jellyfin`. The `outPath`
//! string carries a string-context element [`CONTEXT_PREFIX`]`<name>`, so
//! every string built from a package remembers which package it needs; the
//! generation's package list is read from that context.
//!
//! The set holds the names in `packages.txt` (Debian's names) and
//! `mapping.txt` (nixpkgs' names that differ from Debian's, pointing at
//! Debian's). Any other package is `pkgs.distributionPackage "name"`. A
//! finite set keeps `pkgs.jellyfn` an error with a "did you mean" rather
//! than a silent reference to a package that does not exist.

use std::collections::BTreeMap;

use eval::value::Builtin;
use eval::{AttrEntry, Attrs, Context, EvalError, Evaluator, Value};
use syntax::ast::Pos;
use syntax::Symbol;

/// The string-context element that marks a package reference.
pub const CONTEXT_PREFIX: &str = "strata-package:";

/// Where the distribution installs packages.
pub const PREFIX: &str = "/usr";

const PACKAGES: &str = include_str!("packages.txt");
const MAPPING: &str = include_str!("mapping.txt");

static DISTRIBUTION_PACKAGE: Builtin = Builtin { name: "distributionPackage", arity: 1, func: distribution_package };

fn distribution_package(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value, EvalError> {
    let name = ev.force_str(&args[0], pos)?;
    if !is_package_name(&name) {
        return Err(EvalError::new(
            eval::ErrorKind::Throw,
            pos,
            format!(
                "'{name}' is not a valid distribution package name: use lower-case letters, digits and '+', '-', '.' \
                 (starting with a letter or digit)"
            ),
        ));
    }
    Ok(package(&name, &name))
}

/// Debian's rule for package names.
pub fn is_package_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
}

/// The names `pkgs` knows: attribute name → Debian package name.
pub fn known() -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let words = |text: &'static str| {
        text.lines().filter(|line| !line.trim_start().starts_with('#')).flat_map(str::split_whitespace)
    };
    for name in words(PACKAGES) {
        names.insert(name.to_string(), name.to_string());
    }
    for line in MAPPING.lines().filter(|line| !line.trim_start().starts_with('#')) {
        let mut fields = line.split_whitespace();
        if let (Some(from), Some(to)) = (fields.next(), fields.next()) {
            names.insert(from.to_string(), to.to_string());
        }
    }
    names
}

/// One package reference.
pub fn package(attr_name: &str, debian: &str) -> Value {
    let mut context = Context::new();
    context.insert(format!("{CONTEXT_PREFIX}{debian}"));
    let out_path = Value::string_with_context(PREFIX, context);
    let fields = [
        ("meta", Value::attrs(Attrs::new())),
        ("name", Value::string(attr_name)),
        ("outPath", out_path),
        ("outputs", Value::list(vec![Value::string("out")])),
        ("pname", Value::string(attr_name)),
        ("strataPackage", Value::string(debian)),
        ("type", Value::string("derivation")),
        ("version", Value::string("")),
    ];
    let entries =
        fields.into_iter().map(|(name, value)| AttrEntry { name: Symbol::intern(name), value, pos: Pos::NONE });
    Value::attrs(Attrs::from_unsorted(entries.collect()))
}

/// The whole package set; each package is made when first used.
pub fn package_set() -> Value {
    let mut entries: Vec<AttrEntry> = known()
        .into_iter()
        .map(|(name, debian)| {
            let attr_name = name.clone();
            AttrEntry {
                name: Symbol::intern(&name),
                value: Value::lazy(move |_: &Evaluator| Ok(package(&attr_name, &debian))),
                pos: Pos::NONE,
            }
        })
        .collect();
    entries.push(AttrEntry {
        name: Symbol::intern("distributionPackage"),
        value: Value::PrimOp(&DISTRIBUTION_PACKAGE),
        pos: Pos::NONE,
    });
    Value::attrs(Attrs::from_unsorted(entries))
}

/// The packages a string context refers to, sorted and unique.
pub fn packages_in(context: &Context) -> Vec<String> {
    context.iter().filter_map(|element| element.strip_prefix(CONTEXT_PREFIX)).map(str::to_string).collect()
}
