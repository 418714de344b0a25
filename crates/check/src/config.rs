//! `strata.toml`: where the layout lives and which rules run with which settings.
//!
//! Everything `strata check` reads is under the `[check]` table:
//!
//! ```toml
//! [check]
//! namespace = "hwc"                 # root option namespace (inferred when absent)
//! exclude = ["vendor/**"]           # files no rule looks at
//!
//! [check.layout]                    # every key optional; defaults are detected
//! modules = ["modules"]             # default: whichever of modules/, domains/ exist
//! profiles = ["profiles"]
//! machines = ["machines"]
//! machine-files = ["default.nix", "configuration.nix"]
//! aggregators = ["default.nix", "index.nix"]
//! domains = ["modules/infrastructure"]   # default: detected (see `layout`)
//! paths = ["modules/system/paths.nix"]   # default: paths.nix files and paths/ folders in modules
//!
//! [check.rules.hardcoded-path]
//! enabled = true                    # every rule: on/off (default: on where the layout exists)
//! exclude = ["machines/*/hardware.nix"]  # every rule: files it skips
//! prefixes = ["/mnt", "/srv", "/home"]
//!
//! [check.rules.machine-size]
//! max-lines = 50
//! ```
//!
//! Unknown keys are errors, reported with the file, line and column of the key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::Error;

/// The configuration file's name, at the repository root.
pub const CONFIG_FILE: &str = "strata.toml";

/// Everything `strata check` can be told: the `[check]` table of `strata.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Root option namespace such as `hwc` (dots allowed: `my.fleet`); inferred from the
    /// modules' declarations when absent.
    #[serde(default, deserialize_with = "namespace")]
    pub namespace: Option<String>,
    /// Glob patterns (relative to the root, `*`, `?`, `**`) of files and folders not checked.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Where the layers live.
    #[serde(default)]
    pub layout: Layout,
    /// Per-rule settings.
    #[serde(default)]
    pub rules: Rules,
}

/// Where the repository keeps each layer. `None` means "detect".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Layout {
    /// Folders holding modules (default: `modules` and `domains`, those that exist).
    pub modules: Option<Vec<String>>,
    /// Folders holding profiles (default: `profiles` if it exists).
    pub profiles: Option<Vec<String>>,
    /// Folders holding one folder per machine (default: `machines` if it exists).
    pub machines: Option<Vec<String>>,
    /// Names of a machine's main file inside its folder (default: `default.nix`, `configuration.nix`).
    pub machine_files: Option<Vec<String>>,
    /// Names of a folder's aggregator file (default: `default.nix`, `index.nix`).
    pub aggregators: Option<Vec<String>>,
    /// Domain folders (default: detected: folders directly under a modules folder whose aggregator
    /// imports some of the folder's own files or subfolders, its buckets).
    pub domains: Option<Vec<String>>,
    /// The paths module: files or folders (default: every `paths.nix` file and `paths` folder under
    /// the modules folders).
    pub paths: Option<Vec<String>>,
}

/// Settings shared by every rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSettings {
    /// Force the rule on or off; by default it runs where the repository has the layout it is about.
    pub enabled: Option<bool>,
    /// Glob patterns of files this rule skips.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Settings of `hardcoded-path`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HardcodedPathSettings {
    /// See [`RuleSettings::enabled`].
    pub enabled: Option<bool>,
    /// See [`RuleSettings::exclude`].
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Absolute path prefixes that must come from the paths module.
    #[serde(default = "default_prefixes", deserialize_with = "prefixes")]
    pub prefixes: Vec<String>,
}

impl Default for HardcodedPathSettings {
    fn default() -> HardcodedPathSettings {
        HardcodedPathSettings { enabled: None, exclude: Vec::new(), prefixes: default_prefixes() }
    }
}

/// Settings of `machine-size`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MachineSizeSettings {
    /// See [`RuleSettings::enabled`].
    pub enabled: Option<bool>,
    /// See [`RuleSettings::exclude`].
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The most lines a machine file may have.
    #[serde(default = "default_max_lines", deserialize_with = "max_lines")]
    pub max_lines: u32,
}

impl Default for MachineSizeSettings {
    fn default() -> MachineSizeSettings {
        MachineSizeSettings { enabled: None, exclude: Vec::new(), max_lines: default_max_lines() }
    }
}

/// One table per rule, named by the rule's id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rules {
    /// `option-namespace`.
    #[serde(default)]
    pub option_namespace: RuleSettings,
    /// `layer-imports`.
    #[serde(default)]
    pub layer_imports: RuleSettings,
    /// `profile-declares-options`.
    #[serde(default)]
    pub profile_declares_options: RuleSettings,
    /// `profile-logic`.
    #[serde(default)]
    pub profile_logic: RuleSettings,
    /// `domain-aggregator`.
    #[serde(default)]
    pub domain_aggregator: RuleSettings,
    /// `hardcoded-path`.
    #[serde(default)]
    pub hardcoded_path: HardcodedPathSettings,
    /// `kebab-case`.
    #[serde(default)]
    pub kebab_case: RuleSettings,
    /// `enable-option`.
    #[serde(default)]
    pub enable_option: RuleSettings,
    /// `one-service-per-file`.
    #[serde(default)]
    pub one_service_per_file: RuleSettings,
    /// `machine-size`.
    #[serde(default)]
    pub machine_size: MachineSizeSettings,
    /// `bucket-cross-read`.
    #[serde(default)]
    pub bucket_cross_read: RuleSettings,
}

/// The whole file: only `[check]` is known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    check: Config,
}

impl Config {
    /// Reads `strata.toml` at `root`; a repository without one gets the defaults.
    pub fn load(root: &Path) -> Result<Config, Error> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(Error::Read { path, source }),
        }
    }

    /// Parses the text of a `strata.toml`; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        match toml::from_str::<ConfigFile>(text) {
            Ok(file) => Ok(file.check),
            Err(error) => {
                let offset = error.span().map_or(0, |span| span.start);
                let (line, column) = line_column(text, offset);
                Err(Error::Config {
                    path: PathBuf::from(path),
                    line,
                    column,
                    message: error.message().trim_end().to_string(),
                })
            }
        }
    }

    /// The namespace split at dots (empty when none is configured).
    pub(crate) fn namespace_segments(&self) -> Option<Vec<String>> {
        self.namespace.as_ref().map(|ns| ns.split('.').map(str::to_string).collect())
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

fn default_prefixes() -> Vec<String> {
    vec!["/mnt".to_string(), "/srv".to_string(), "/home".to_string()]
}

fn default_max_lines() -> u32 {
    50
}

fn namespace<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(deserializer)?;
    let valid = !text.is_empty()
        && text.split('.').all(|segment| {
            let mut chars = segment.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '\'')
        });
    if valid {
        Ok(Some(text))
    } else {
        Err(serde::de::Error::custom(format!(
            "namespace `{text}` is not an option path: use identifiers separated by dots, such as `hwc`"
        )))
    }
}

fn prefixes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let list = Vec::<String>::deserialize(deserializer)?;
    for prefix in &list {
        if !prefix.starts_with('/') || prefix.len() < 2 {
            return Err(serde::de::Error::custom(format!(
                "prefix `{prefix}` is not an absolute path below `/`: write it like \"/mnt\""
            )));
        }
    }
    Ok(list.into_iter().map(|p| p.trim_end_matches('/').to_string()).collect())
}

fn max_lines<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = i64::deserialize(deserializer)?;
    u32::try_from(value)
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| serde::de::Error::custom(format!("max-lines must be a positive number of lines, not {value}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        match Config::parse(text, Path::new("strata.toml")) {
            Ok(config) => format!("parsed: {config:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn empty_file_gives_defaults() {
        let config = Config::parse("", Path::new("strata.toml")).expect("empty is valid");
        assert_eq!(config, Config::default());
        assert_eq!(config.rules.machine_size.max_lines, 50);
        assert_eq!(config.rules.hardcoded_path.prefixes, ["/mnt", "/srv", "/home"]);
    }

    #[test]
    fn full_file() {
        let text = "[check]\nnamespace = \"hwc\"\n[check.layout]\nmodules = [\"domains\"]\n\
                    [check.rules.machine-size]\nmax-lines = 60\n[check.rules.kebab-case]\nenabled = false\n";
        let config = Config::parse(text, Path::new("strata.toml")).expect("valid");
        assert_eq!(config.namespace.as_deref(), Some("hwc"));
        assert_eq!(config.layout.modules, Some(vec!["domains".to_string()]));
        assert_eq!(config.rules.machine_size.max_lines, 60);
        assert_eq!(config.rules.kebab_case.enabled, Some(false));
    }

    #[test]
    fn unknown_keys_are_positioned() {
        assert!(error("[check]\nnamespase = \"hwc\"\n").starts_with("strata.toml:2:1: unknown field `namespase`"));
        assert!(error("[check.rules.machine-size]\nmax-line = 3\n").starts_with("strata.toml:2:1: unknown field"));
        assert!(error("[chek]\n").starts_with("strata.toml:1:2: unknown field `chek`"));
    }

    #[test]
    fn bad_values_are_positioned() {
        assert!(error("[check.rules.machine-size]\nmax-lines = 0\n").starts_with("strata.toml:2:13: max-lines"));
        assert!(error("[check.rules.hardcoded-path]\nprefixes = [\"mnt\"]\n").starts_with("strata.toml:2:12:"));
        assert!(error("[check]\nnamespace = \"a..b\"\n").starts_with("strata.toml:2:13: namespace"));
    }
}
