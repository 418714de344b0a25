//! Derivations: their `.drv` (ATerm) text, Nix's `hashDerivationModulo`, and
//! the output and `.drv` path computation of `derivationStrict`.

use std::collections::{BTreeMap, BTreeSet};

use crate::hash::{Hash, HashAlgo, HashError};
use crate::path::{
    make_fixed_output_path, make_output_path, make_text_path, FileIngestionMethod, StoreDir, StorePathError,
};

/// One output of a derivation, as written in the `.drv` file.
///
/// Input-addressed outputs have only a `path`; fixed-output ones also have
/// `hash_algo` (`"sha256"`, or `"r:sha256"` when recursive) and the base-16
/// `hash`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DerivationOutput {
    pub path: String,
    pub hash_algo: String,
    pub hash: String,
}

/// A store derivation, field for field as in a `.drv` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Derivation {
    pub outputs: BTreeMap<String, DerivationOutput>,
    /// Input derivation paths and the outputs used from each.
    pub input_drvs: BTreeMap<String, BTreeSet<String>>,
    /// Input source paths (plain store paths, not derivations).
    pub input_srcs: BTreeSet<String>,
    pub platform: String,
    pub builder: String,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
}

impl Derivation {
    /// The `.drv` file content, byte for byte as Nix 2.8 writes it.
    pub fn to_aterm(&self) -> String {
        self.aterm_with_inputs(&self.input_drvs)
    }

    /// The single fixed output, if this is a fixed-output derivation: exactly
    /// one output, named `out`, with a hash.
    pub fn fixed_output(&self) -> Option<&DerivationOutput> {
        match self.outputs.get("out") {
            Some(out) if self.outputs.len() == 1 && !out.hash.is_empty() => Some(out),
            _ => None,
        }
    }

    /// Nix's `hashDerivationModulo`: a hash that identifies what the
    /// derivation builds while ignoring how fixed-output inputs are fetched.
    ///
    /// A fixed-output derivation hashes to
    /// `sha256("fixed:out:<hash_algo>:<hash>:<path>")`. Any other derivation
    /// hashes to the SHA-256 of its ATerm with each input derivation path
    /// replaced by the base-16 of that input's own modulo hash, which
    /// `resolve` supplies (the evaluator remembers it per `.drv` path).
    pub fn hash_modulo(&self, resolve: &dyn Fn(&str) -> Option<Hash>) -> Result<Hash, DerivationError> {
        if let Some(out) = self.fixed_output() {
            let text = format!("fixed:out:{}:{}:{}", out.hash_algo, out.hash, out.path);
            return Ok(Hash::compute(HashAlgo::Sha256, text.as_bytes()));
        }
        let mut inputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (drv_path, outputs) in &self.input_drvs {
            let hash = resolve(drv_path).ok_or_else(|| DerivationError::UnknownInputDerivation(drv_path.clone()))?;
            // Two fixed-output inputs that produce the same content share a
            // key; their output sets merge, as in Nix.
            inputs.entry(hash.to_base16()).or_default().extend(outputs.iter().cloned());
        }
        Ok(Hash::compute(HashAlgo::Sha256, self.aterm_with_inputs(&inputs).as_bytes()))
    }

    fn aterm_with_inputs(&self, input_drvs: &BTreeMap<String, BTreeSet<String>>) -> String {
        let mut s = String::with_capacity(1024);
        s.push_str("Derive([");
        for (i, (name, output)) in self.outputs.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push('(');
            push_unquoted_list_items(&mut s, [name, &output.path, &output.hash_algo, &output.hash]);
            s.push(')');
        }
        s.push_str("],[");
        for (i, (path, outputs)) in input_drvs.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push('(');
            push_unquoted(&mut s, path);
            s.push(',');
            s.push('[');
            push_unquoted_list_items(&mut s, outputs);
            s.push_str("])");
        }
        s.push_str("],[");
        push_unquoted_list_items(&mut s, &self.input_srcs);
        s.push_str("],");
        // Nix writes the platform without escaping.
        push_unquoted(&mut s, &self.platform);
        s.push(',');
        push_escaped(&mut s, &self.builder);
        s.push_str(",[");
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            push_escaped(&mut s, arg);
        }
        s.push_str("],[");
        for (i, (key, value)) in self.env.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push('(');
            push_escaped(&mut s, key);
            s.push(',');
            push_escaped(&mut s, value);
            s.push(')');
        }
        s.push_str("])");
        s
    }
}

fn push_unquoted(s: &mut String, text: &str) {
    s.push('"');
    s.push_str(text);
    s.push('"');
}

fn push_unquoted_list_items<I: IntoIterator<Item = T>, T: AsRef<str>>(s: &mut String, items: I) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_unquoted(s, item.as_ref());
    }
}

/// A quoted ATerm string with `"`, `\`, newline, carriage return and tab escaped.
fn push_escaped(s: &mut String, text: &str) {
    s.push('"');
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c => s.push(c),
        }
    }
    s.push('"');
}

/// What `derivationStrict` has gathered from the attribute set once every
/// attribute is a string: the input to [`derivation_strict`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DerivationArgs {
    /// The `name` attribute.
    pub name: String,
    pub builder: String,
    /// The `system` attribute.
    pub system: String,
    pub args: Vec<String>,
    /// The builder's environment: every attribute but `args` (and with
    /// structured attributes, just `__json`). Output paths are added to it.
    pub env: BTreeMap<String, String>,
    /// Output names in the order given; `["out"]` when not declared.
    pub outputs: Vec<String>,
    pub output_hash: Option<String>,
    /// `outputHashAlgo`; empty when absent. An unknown name counts as absent, like in Nix.
    pub output_hash_algo: String,
    /// `outputHashMode`, if set: `"flat"` or `"recursive"`.
    pub output_hash_mode: Option<String>,
    /// From string contexts: derivations and the outputs used.
    pub input_drvs: BTreeMap<String, BTreeSet<String>>,
    /// From string contexts: plain store paths.
    pub input_srcs: BTreeSet<String>,
}

impl DerivationArgs {
    /// Gathers the arguments the way Nix does without `__structuredAttrs`:
    /// `builder`, `system`, `outputHash`, `outputHashAlgo`, `outputHashMode`
    /// and `outputs` (split on whitespace) are read from `env`, which keeps them too.
    pub fn from_env(name: &str, env: BTreeMap<String, String>, args: Vec<String>) -> DerivationArgs {
        let get = |key: &str| env.get(key).cloned();
        let outputs = match env.get("outputs") {
            Some(list) => list.split([' ', '\t', '\n', '\r']).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            None => vec!["out".to_owned()],
        };
        DerivationArgs {
            name: name.to_owned(),
            builder: get("builder").unwrap_or_default(),
            system: get("system").unwrap_or_default(),
            args,
            outputs,
            output_hash: get("outputHash"),
            output_hash_algo: get("outputHashAlgo").unwrap_or_default(),
            output_hash_mode: get("outputHashMode"),
            input_drvs: BTreeMap::new(),
            input_srcs: BTreeSet::new(),
            env,
        }
    }
}

/// The result of [`derivation_strict`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivationResult {
    /// The complete derivation, outputs and environment filled in.
    pub derivation: Derivation,
    /// The path of the `.drv` file.
    pub drv_path: String,
    /// Output name to output path.
    pub output_paths: BTreeMap<String, String>,
    /// This derivation's own modulo hash: what `resolve` must return for
    /// `drv_path` when it is used as an input later.
    pub hash_modulo: Hash,
    /// Warnings Nix would print (an empty `outputHash`).
    pub warnings: Vec<String>,
}

/// The store-side half of `builtins.derivationStrict`: validates the
/// arguments, computes output paths (input-addressed or fixed-output),
/// fills in the outputs and environment and computes the `.drv` path, which
/// references the input sources and input derivations.
///
/// `resolve` gives the modulo hash of each input derivation path (from an
/// earlier [`DerivationResult::hash_modulo`]).
pub fn derivation_strict(
    store_dir: &StoreDir,
    args: &DerivationArgs,
    resolve: &dyn Fn(&str) -> Option<Hash>,
) -> Result<DerivationResult, DerivationError> {
    let mode = match &args.output_hash_mode {
        None => None,
        Some(mode) => Some(
            FileIngestionMethod::parse_output_hash_mode(mode)
                .ok_or_else(|| DerivationError::InvalidOutputHashMode(mode.clone()))?,
        ),
    };
    let mut outputs = BTreeSet::new();
    for output in &args.outputs {
        if output == "drv" {
            return Err(DerivationError::OutputNamedDrv);
        }
        if !outputs.insert(output.clone()) {
            return Err(DerivationError::DuplicateOutput(output.clone()));
        }
    }
    if outputs.is_empty() {
        return Err(DerivationError::NoOutputs);
    }
    if args.builder.is_empty() {
        return Err(DerivationError::MissingAttribute("builder"));
    }
    if args.system.is_empty() {
        return Err(DerivationError::MissingAttribute("system"));
    }
    if args.name.ends_with(".drv") {
        return Err(DerivationError::NameEndsInDrv);
    }

    let mut drv = Derivation {
        outputs: BTreeMap::new(),
        input_drvs: args.input_drvs.clone(),
        input_srcs: args.input_srcs.clone(),
        platform: args.system.clone(),
        builder: args.builder.clone(),
        args: args.args.clone(),
        env: args.env.clone(),
    };
    let mut warnings = Vec::new();

    if let Some(output_hash) = &args.output_hash {
        if outputs.len() != 1 || !outputs.contains("out") {
            return Err(DerivationError::FixedOutputWithMultipleOutputs);
        }
        let algo = HashAlgo::parse_opt(&args.output_hash_algo);
        let hash = Hash::parse_allow_empty(output_hash, algo)?;
        if output_hash.is_empty() {
            warnings.push(Hash::empty_hash_warning(hash.algo()));
        }
        let method = mode.unwrap_or(FileIngestionMethod::Flat);
        let path = make_fixed_output_path(store_dir, method, &hash, &args.name, &BTreeSet::new())?;
        drv.env.insert("out".to_owned(), path.clone());
        drv.outputs.insert(
            "out".to_owned(),
            DerivationOutput { path, hash_algo: format!("{}{}", method.prefix(), hash.algo()), hash: hash.to_base16() },
        );
    } else {
        // Hash the derivation with empty output paths, so that the set of
        // output names, but not their paths, goes into the hash.
        for output in &outputs {
            drv.env.insert(output.clone(), String::new());
            drv.outputs.insert(output.clone(), DerivationOutput::default());
        }
        let masked_hash = drv.hash_modulo(resolve)?;
        for output in &outputs {
            let path = make_output_path(store_dir, output, &masked_hash, &args.name)?;
            drv.env.insert(output.clone(), path.clone());
            drv.outputs.insert(output.clone(), DerivationOutput { path, ..DerivationOutput::default() });
        }
    }

    let mut references = drv.input_srcs.clone();
    references.extend(drv.input_drvs.keys().cloned());
    let drv_path = make_text_path(store_dir, &format!("{}.drv", args.name), drv.to_aterm().as_bytes(), &references)?;
    let hash_modulo = drv.hash_modulo(resolve)?;
    let output_paths = drv.outputs.iter().map(|(name, out)| (name.clone(), out.path.clone())).collect();
    Ok(DerivationResult { derivation: drv, drv_path, output_paths, hash_modulo, warnings })
}

/// Why a derivation could not be made. Messages match Nix 2.8's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DerivationError {
    #[error("required attribute '{0}' missing")]
    MissingAttribute(&'static str),
    #[error("derivation names are not allowed to end in '.drv'")]
    NameEndsInDrv,
    #[error("invalid value '{0}' for 'outputHashMode' attribute")]
    InvalidOutputHashMode(String),
    #[error("duplicate derivation output '{0}'")]
    DuplicateOutput(String),
    #[error("invalid derivation output name 'drv'")]
    OutputNamedDrv,
    #[error("derivation cannot have an empty set of outputs")]
    NoOutputs,
    #[error("multiple outputs are not supported in fixed-output derivations")]
    FixedOutputWithMultipleOutputs,
    /// `resolve` did not know an input derivation: a bug in the caller.
    #[error("internal error: no modulo hash known for input derivation '{0}'")]
    UnknownInputDerivation(String),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    StorePath(#[from] StorePathError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Plays the evaluator: remembers each derivation's modulo hash by path.
    #[derive(Default)]
    struct Evaluator {
        hashes: RefCell<BTreeMap<String, Hash>>,
    }

    impl Evaluator {
        /// `derivation { name; ...attrs }` with string attributes and
        /// context already collected into `input_drvs`/`input_srcs`.
        fn derivation(
            &self,
            attrs: &[(&str, &str)],
            args: &[&str],
            input_drvs: &[(&str, &[&str])],
            input_srcs: &[&str],
        ) -> Result<DerivationResult, String> {
            let env: BTreeMap<String, String> = attrs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
            let name = env.get("name").cloned().unwrap_or_default();
            let mut drv_args = DerivationArgs::from_env(&name, env, args.iter().map(|a| (*a).to_owned()).collect());
            drv_args.input_drvs = input_drvs
                .iter()
                .map(|(path, outs)| ((*path).to_owned(), outs.iter().map(|o| (*o).to_owned()).collect()))
                .collect();
            drv_args.input_srcs = input_srcs.iter().map(|p| (*p).to_owned()).collect();
            let hashes = &self.hashes;
            let resolve = |path: &str| hashes.borrow().get(path).cloned();
            let result = derivation_strict(&StoreDir::default(), &drv_args, &resolve).map_err(|e| e.to_string())?;
            self.hashes.borrow_mut().insert(result.drv_path.clone(), result.hash_modulo.clone());
            Ok(result)
        }
    }

    /// Checks the `.drv` path and `out` path of a derivation.
    fn check(result: &Result<DerivationResult, String>, drv_path: &str, out_path: &str) {
        let result = result.as_ref().expect("derivation should succeed");
        assert_eq!(result.drv_path, drv_path);
        assert_eq!(result.output_paths.get("out").map(String::as_str), Some(out_path));
        assert_eq!(result.derivation.env.get("out").map(String::as_str), Some(out_path));
    }

    fn aterm(result: &Result<DerivationResult, String>) -> String {
        result.as_ref().map(|r| r.derivation.to_aterm()).unwrap_or_default()
    }

    const MIN: &[(&str, &str)] = &[("name", "x"), ("builder", "/bin/sh"), ("system", "x")];
    const MULTI: &[(&str, &str)] =
        &[("name", "multi"), ("builder", "/bin/sh"), ("system", "x86_64-linux"), ("outputs", "out dev lib")];

    // Reference values below come from Nix 2.8 (`nix-instantiate`, and the
    // `.drv` files it wrote).

    #[test]
    fn minimal_derivation() {
        let eval = Evaluator::default();
        let result = eval.derivation(MIN, &[], &[], &[]);
        check(
            &result,
            "/nix/store/safnr1ywsblyl5qfbca0178m104hzxaw-x.drv",
            "/nix/store/wrjy0zpx12zvynnga8wrzngbbg6yq3vr-x",
        );
        assert_eq!(
            aterm(&result),
            r#"Derive([("out","/nix/store/wrjy0zpx12zvynnga8wrzngbbg6yq3vr-x","","")],[],[],"x","/bin/sh",[],[("builder","/bin/sh"),("name","x"),("out","/nix/store/wrjy0zpx12zvynnga8wrzngbbg6yq3vr-x"),("system","x")])"#
        );
    }

    #[test]
    fn multiple_outputs() {
        let eval = Evaluator::default();
        let result = eval.derivation(MULTI, &[], &[], &[]);
        check(
            &result,
            "/nix/store/v27a425rg4n7prwzpyyw0y1fw2ssc46f-multi.drv",
            "/nix/store/h49lgbknv1fggzyb77p6d3ag1frnz354-multi",
        );
        let paths = result.as_ref().map(|r| r.output_paths.clone()).unwrap_or_default();
        assert_eq!(paths["dev"], "/nix/store/cnr8n8g7k3l7913d10wbs7mk11byk3qm-multi-dev");
        assert_eq!(paths["lib"], "/nix/store/vscn60gjvw2l9cclny9zr26kvxb7gl5d-multi-lib");
        assert_eq!(
            aterm(&result),
            r#"Derive([("dev","/nix/store/cnr8n8g7k3l7913d10wbs7mk11byk3qm-multi-dev","",""),("lib","/nix/store/vscn60gjvw2l9cclny9zr26kvxb7gl5d-multi-lib","",""),("out","/nix/store/h49lgbknv1fggzyb77p6d3ag1frnz354-multi","","")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("dev","/nix/store/cnr8n8g7k3l7913d10wbs7mk11byk3qm-multi-dev"),("lib","/nix/store/vscn60gjvw2l9cclny9zr26kvxb7gl5d-multi-lib"),("name","multi"),("out","/nix/store/h49lgbknv1fggzyb77p6d3ag1frnz354-multi"),("outputs","out dev lib"),("system","x86_64-linux")])"#
        );
    }

    #[test]
    fn special_characters_are_escaped() {
        let eval = Evaluator::default();
        let result = eval.derivation(
            &[
                ("name", "special"),
                ("builder", "/bin/sh"),
                ("system", "x86_64-linux"),
                ("weird", "quote\" backslash\\ nl\n tab\t cr\r end"),
                ("key with space", "v"),
            ],
            &["-c", "echo \"hi\" \\ there\n\ttab\r"],
            &[],
            &[],
        );
        check(
            &result,
            "/nix/store/nnpqnryv81v67nw3vb569g4xmhfvx6k8-special.drv",
            "/nix/store/0f9bnpizqqzjd4sqbaiy7zx7qdcvfirx-special",
        );
        assert_eq!(
            aterm(&result),
            r#"Derive([("out","/nix/store/0f9bnpizqqzjd4sqbaiy7zx7qdcvfirx-special","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo \"hi\" \\ there\n\ttab\r"],[("builder","/bin/sh"),("key with space","v"),("name","special"),("out","/nix/store/0f9bnpizqqzjd4sqbaiy7zx7qdcvfirx-special"),("system","x86_64-linux"),("weird","quote\" backslash\\ nl\n tab\t cr\r end")])"#
        );
    }

    #[test]
    fn input_derivations_and_sources() {
        let eval = Evaluator::default();
        let min = eval.derivation(MIN, &[], &[], &[]);
        let multi = eval.derivation(MULTI, &[], &[], &[]);
        assert!(min.is_ok() && multi.is_ok());
        let result = eval.derivation(
            &[
                ("name", "dep"),
                ("builder", "/bin/sh"),
                ("system", "x86_64-linux"),
                ("min", "/nix/store/wrjy0zpx12zvynnga8wrzngbbg6yq3vr-x"),
                ("ml", "/nix/store/cnr8n8g7k3l7913d10wbs7mk11byk3qm-multi-dev"),
                ("mo", "/nix/store/h49lgbknv1fggzyb77p6d3ag1frnz354-multi"),
                ("src", "/nix/store/7fkyl4dcd4wp3va6qyfxz7c7gac4dwp4-src.txt"),
            ],
            &[],
            &[
                ("/nix/store/safnr1ywsblyl5qfbca0178m104hzxaw-x.drv", &["out"]),
                ("/nix/store/v27a425rg4n7prwzpyyw0y1fw2ssc46f-multi.drv", &["out", "dev"]),
            ],
            &["/nix/store/7fkyl4dcd4wp3va6qyfxz7c7gac4dwp4-src.txt"],
        );
        check(
            &result,
            "/nix/store/ka1xgpf5a1k4wk7pqqri76rdxl8f1zls-dep.drv",
            "/nix/store/k8ads3i5bw7h4rnyq72jnps54il6rlxz-dep",
        );
        assert_eq!(
            aterm(&result),
            r#"Derive([("out","/nix/store/k8ads3i5bw7h4rnyq72jnps54il6rlxz-dep","","")],[("/nix/store/safnr1ywsblyl5qfbca0178m104hzxaw-x.drv",["out"]),("/nix/store/v27a425rg4n7prwzpyyw0y1fw2ssc46f-multi.drv",["dev","out"])],["/nix/store/7fkyl4dcd4wp3va6qyfxz7c7gac4dwp4-src.txt"],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("min","/nix/store/wrjy0zpx12zvynnga8wrzngbbg6yq3vr-x"),("ml","/nix/store/cnr8n8g7k3l7913d10wbs7mk11byk3qm-multi-dev"),("mo","/nix/store/h49lgbknv1fggzyb77p6d3ag1frnz354-multi"),("name","dep"),("out","/nix/store/k8ads3i5bw7h4rnyq72jnps54il6rlxz-dep"),("src","/nix/store/7fkyl4dcd4wp3va6qyfxz7c7gac4dwp4-src.txt"),("system","x86_64-linux")])"#
        );
        // The source file itself is `builtins.toFile "src.txt" "hello"`.
        assert_eq!(
            make_text_path(&StoreDir::default(), "src.txt", b"hello", &BTreeSet::new()).as_deref(),
            Ok("/nix/store/7fkyl4dcd4wp3va6qyfxz7c7gac4dwp4-src.txt")
        );
    }

    fn fixed(name: &str, algo: Option<&str>, mode: Option<&str>, hash: &str) -> Vec<(String, String)> {
        let mut attrs = vec![
            ("name".to_owned(), name.to_owned()),
            ("builder".to_owned(), "/bin/sh".to_owned()),
            ("system".to_owned(), "x86_64-linux".to_owned()),
            ("outputHash".to_owned(), hash.to_owned()),
        ];
        if let Some(algo) = algo {
            attrs.push(("outputHashAlgo".to_owned(), algo.to_owned()));
        }
        if let Some(mode) = mode {
            attrs.push(("outputHashMode".to_owned(), mode.to_owned()));
        }
        attrs
    }

    fn run(eval: &Evaluator, attrs: &[(String, String)]) -> Result<DerivationResult, String> {
        let borrowed: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        eval.derivation(&borrowed, &[], &[], &[])
    }

    const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const SHA1_ABC: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";

    #[test]
    fn fixed_output_derivations() {
        let eval = Evaluator::default();
        let cases = [
            (
                fixed("fflat", Some("sha256"), Some("flat"), SHA256_ABC),
                "/nix/store/jbyiwvb0iqwxsfs0fq0hvpznn1d4j8mm-fflat.drv",
                "/nix/store/jks6kzhpwiw31gb5c41b6rfd57x9hyam-fflat",
            ),
            (
                fixed(
                    "frec",
                    Some("sha256"),
                    Some("recursive"),
                    "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
                ),
                "/nix/store/vh8p7xlgwrqc9jllpwfji68md7gakb20-frec.drv",
                "/nix/store/w86yxz80yin7g17z1kx3xamh3vim0b23-frec",
            ),
            (
                fixed("fflat1", Some("sha1"), None, SHA1_ABC),
                "/nix/store/7dkxsdvc16hng8gar5hd7z600h164sgf-fflat1.drv",
                "/nix/store/fnssxppwwdq5a3idqrjwff35338hdwx5-fflat1",
            ),
            (
                fixed("frec1", Some("sha1"), Some("recursive"), SHA1_ABC),
                "/nix/store/mdkk9m704h51hfliiqvnwh2v5yb7fjxk-frec1.drv",
                "/nix/store/ndjhyhs0hg3m912qhgml6916amchr1vp-frec1",
            ),
            (
                fixed("fsri", None, None, "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="),
                "/nix/store/w4yg2bslba2abmhxhr6cvxwqb4vsqv8a-fsri.drv",
                "/nix/store/l9qwgv8q2iky9jpkh0m0692ympb11ji9-fsri",
            ),
            (
                fixed(
                    "fsri512",
                    Some(""),
                    Some("recursive"),
                    "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
                ),
                "/nix/store/myi34j0fl3ld4s96azl8mkyw26rbvhvw-fsri512.drv",
                "/nix/store/dal2d61swpi009img2g7w0xvihvs46vw-fsri512",
            ),
        ];
        for (attrs, drv_path, out_path) in &cases {
            check(&run(&eval, attrs), drv_path, out_path);
        }
        assert_eq!(
            aterm(&run(&eval, &cases[1].0)),
            r#"Derive([("out","/nix/store/w86yxz80yin7g17z1kx3xamh3vim0b23-frec","r:sha256","ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","frec"),("out","/nix/store/w86yxz80yin7g17z1kx3xamh3vim0b23-frec"),("outputHash","1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"),("outputHashAlgo","sha256"),("outputHashMode","recursive"),("system","x86_64-linux")])"#
        );

        // Depending on fixed-output derivations uses their fixed hashes.
        let result = eval.derivation(
            &[
                ("name", "depfixed"),
                ("builder", "/bin/sh"),
                ("system", "x86_64-linux"),
                ("a", "/nix/store/jks6kzhpwiw31gb5c41b6rfd57x9hyam-fflat"),
                ("b", "/nix/store/w86yxz80yin7g17z1kx3xamh3vim0b23-frec"),
            ],
            &[],
            &[
                ("/nix/store/jbyiwvb0iqwxsfs0fq0hvpznn1d4j8mm-fflat.drv", &["out"]),
                ("/nix/store/vh8p7xlgwrqc9jllpwfji68md7gakb20-frec.drv", &["out"]),
            ],
            &[],
        );
        check(
            &result,
            "/nix/store/llb9pz5khjwmfwp1k2dbhap66vil1pwr-depfixed.drv",
            "/nix/store/d4fw4f35n0a6fcl618y4zfp090l45qi7-depfixed",
        );
    }

    #[test]
    fn empty_output_hash_is_zero_with_a_warning() {
        let eval = Evaluator::default();
        let attrs =
            [("name", "f"), ("builder", "b"), ("system", "s"), ("outputHashAlgo", "sha256"), ("outputHash", "")];
        let result = eval.derivation(&attrs, &[], &[], &[]);
        check(
            &result,
            "/nix/store/crcivx8fi2ln48773qyk6zfs89vgmn2x-f.drv",
            "/nix/store/zpncywkm9d9isz2ld7nirj16v8ads0a2-f",
        );
        assert_eq!(
            result.map(|r| r.warnings),
            Ok(vec!["found empty hash, assuming 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='".to_owned()])
        );
    }

    #[test]
    fn errors_match_nix() {
        let eval = Evaluator::default();
        let err = |attrs: &[(&str, &str)]| eval.derivation(attrs, &[], &[], &[]).map(|r| r.drv_path);
        let base = |extra: &[(&'static str, &'static str)]| {
            let mut attrs = vec![("name", "f"), ("builder", "b"), ("system", "s")];
            attrs.extend_from_slice(extra);
            attrs
        };
        assert_eq!(
            err(&[("name", "a b"), ("builder", "x"), ("system", "x")]),
            Err("store path 'zh4vss5mcqvrdlpbvabscmaj6bns12gk-a b' contains illegal character ' '".into())
        );
        assert_eq!(
            err(&[("name", ""), ("builder", "x"), ("system", "x")]),
            Err("store path 'zi33w2157h3whhk7397hlifbrp46n2hg-' has an empty name".into())
        );
        assert_eq!(
            err(&[("name", "a.drv"), ("builder", "x"), ("system", "x")]),
            Err("derivation names are not allowed to end in '.drv'".into())
        );
        assert_eq!(err(&[("name", "f"), ("system", "s")]), Err("required attribute 'builder' missing".into()));
        assert_eq!(err(&[("name", "f"), ("builder", "b")]), Err("required attribute 'system' missing".into()));
        assert_eq!(
            err(&base(&[("outputHash", "abc"), ("outputHashMode", "bad")])),
            Err("invalid value 'bad' for 'outputHashMode' attribute".into())
        );
        assert_eq!(
            err(&base(&[("outputHash", SHA256_ABC), ("outputHashAlgo", "sha256"), ("outputs", "out dev")])),
            Err("multiple outputs are not supported in fixed-output derivations".into())
        );
        assert_eq!(
            err(&base(&[("outputHash", SHA256_ABC), ("outputHashAlgo", "sha256"), ("outputs", "dev")])),
            Err("multiple outputs are not supported in fixed-output derivations".into())
        );
        assert_eq!(
            err(&base(&[("outputHash", "xyz"), ("outputHashAlgo", "sha256")])),
            Err("hash 'xyz' has wrong length for hash type 'sha256'".into())
        );
        assert_eq!(
            err(&base(&[("outputHash", "abc"), ("outputHashAlgo", "foo")])),
            Err("hash 'abc' does not include a type, nor is the type otherwise known from context".into())
        );
        assert_eq!(
            err(&base(&[("outputHash", ""), ("outputHashAlgo", "")])),
            Err("empty hash requires explicit hash type".into())
        );
        assert_eq!(err(&base(&[("outputs", "out out")])), Err("duplicate derivation output 'out'".into()));
        assert_eq!(err(&base(&[("outputs", "out drv")])), Err("invalid derivation output name 'drv'".into()));
        assert_eq!(err(&base(&[("outputs", " ")])), Err("derivation cannot have an empty set of outputs".into()));
        // An unknown algorithm with an SRI hash is fine: the hash names its own.
        assert_eq!(
            err(&base(&[
                ("outputHash", "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="),
                ("outputHashAlgo", "foo")
            ]))
            .map(|_| ()),
            Ok(())
        );
        // An input derivation the resolver does not know is reported, not a panic.
        let missing =
            eval.derivation(MIN, &[], &[("/nix/store/ffffffffffffffffffffffffffffffff-y.drv", &["out"])], &[]);
        assert!(missing.is_err());
    }
}
