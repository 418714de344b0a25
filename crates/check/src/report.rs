//! Findings, reports and applied fixes: plain data for the CLI and for JSON.

use serde::Serialize;

/// A rule's stable id, as written in `strata.toml`, in `# strata: allow ID` and in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    /// An option declared in a module lies under the namespace its file's place gives it:
    /// the root namespace, then the folders below the modules folder, then the file name without
    /// `.nix` (left out for an aggregator such as `default.nix`), kebab-case names turned into
    /// camelCase. `modules/server/media-stack/jellyfin.nix` declares `hwc.server.mediaStack.jellyfin.*`.
    /// `options.a.b = …`, `options = { a.b = …; }` and nested sets are all followed; a declaration
    /// may go deeper than the namespace, never elsewhere or above it.
    OptionNamespace,
    /// Imports follow the layers: a module never imports a profile or a machine; a profile never
    /// imports a machine; a machine's `imports` list only names profiles and files in its own
    /// folder. Both `imports = [ … ]` entries and `import PATH` calls count; paths are resolved
    /// relative to the file, and a folder means its `default.nix`.
    LayerImports,
    /// A profile declares options (`options` in a profile).
    ProfileDeclaresOptions,
    /// A profile contains implementation logic. A profile may only import and set values:
    /// literals, paths, strings whose interpolations are plain references, lists and attribute
    /// sets of those, references (`pkgs.git`, `config.hwc.paths.media`), `with` over such values,
    /// `let` bindings of such values, the priority wrappers `mkDefault`, `mkForce`, `mkOverride N`,
    /// `mkBefore`, `mkAfter`, `mkOrder N`, `mkMerge` of allowed values, and `mkIf COND VALUE` when
    /// the option set lies in the root namespace (a feature toggle) and COND is a reference,
    /// a negation or a comparison of references and literals, or `&&`/`||` of those. Everything
    /// else outside `imports` is logic: functions, `if`, operators, other calls, `mkIf` on
    /// options outside the namespace (service internals), `let` bindings that compute.
    ProfileLogic,
    /// A file outside a domain imports a file inside it other than its aggregator.
    DomainAggregator,
    /// A string or path literal starts a path under a configured prefix (default `/mnt`, `/srv`,
    /// `/home`) outside the paths module.
    HardcodedPath,
    /// A `.nix` file or a folder holding them is not named in kebab-case (`[a-z0-9]+(-[a-z0-9]+)*`).
    KebabCase,
    /// An option named `enable` is made with `mkOption` instead of `mkEnableOption`.
    EnableOption,
    /// A module defines more than one service. Services are the names `x` of
    /// `systemd.services.x`, `virtualisation.oci-containers.containers.x` and
    /// `services.x.enable = true` (also under `mkIf`, `mkMerge`, `mkDefault`, `mkForce`), where
    /// `systemd.services.podman-x`/`docker-x` is the container `x`'s own unit and the same name in
    /// several places is one service.
    OneServicePerFile,
    /// A machine file (`machines/<host>/default.nix`, `configuration.nix`, `machines/<host>.nix`)
    /// has more lines than allowed.
    MachineSize,
    /// A file in one bucket of a domain reads another bucket's options
    /// (`config.<namespace>.<domain>.<other bucket>…`).
    BucketCrossRead,
    /// A Nix file does not parse (or is not UTF-8, or is built to make the parser slow); other
    /// rules skip it. Files over 4 KiB are lowered first, so Nix's other parse-time errors
    /// (duplicate attributes, integer literals out of range) are reported for them as well.
    Syntax,
    /// A `# strata: allow ID` comment names no rule, or silences nothing although its rule ran.
    AllowComment,
    /// A machine's failed assertion (reported by the CLI's evaluation step).
    Assertion,
    /// A machine's warning (reported by the CLI's evaluation step).
    Warning,
    /// A machine that does not evaluate (reported by the CLI's evaluation step).
    Evaluation,
}

impl RuleId {
    /// The architecture rules, in the order they are documented.
    pub const RULES: [RuleId; 11] = [
        RuleId::OptionNamespace,
        RuleId::LayerImports,
        RuleId::ProfileDeclaresOptions,
        RuleId::ProfileLogic,
        RuleId::DomainAggregator,
        RuleId::HardcodedPath,
        RuleId::KebabCase,
        RuleId::EnableOption,
        RuleId::OneServicePerFile,
        RuleId::MachineSize,
        RuleId::BucketCrossRead,
    ];

    /// The id as written in `strata.toml` and allow comments.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::OptionNamespace => "option-namespace",
            RuleId::LayerImports => "layer-imports",
            RuleId::ProfileDeclaresOptions => "profile-declares-options",
            RuleId::ProfileLogic => "profile-logic",
            RuleId::DomainAggregator => "domain-aggregator",
            RuleId::HardcodedPath => "hardcoded-path",
            RuleId::KebabCase => "kebab-case",
            RuleId::EnableOption => "enable-option",
            RuleId::OneServicePerFile => "one-service-per-file",
            RuleId::MachineSize => "machine-size",
            RuleId::BucketCrossRead => "bucket-cross-read",
            RuleId::Syntax => "syntax",
            RuleId::AllowComment => "allow-comment",
            RuleId::Assertion => "assertion",
            RuleId::Warning => "warning",
            RuleId::Evaluation => "evaluation",
        }
    }

    /// True for rules whose subject is a whole file (allowed by a comment in the file's header).
    pub(crate) fn is_file_wide(self) -> bool {
        matches!(self, RuleId::KebabCase | RuleId::MachineSize)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Path relative to the repository root with `/` separators (a folder for folder names);
    /// empty for findings about a whole machine.
    pub file: String,
    /// 1-based line; 0 when the finding has no position (a folder, a machine).
    pub line: u32,
    /// 1-based column in bytes; 0 when the finding has no position.
    pub column: u32,
    /// Which rule.
    pub rule: RuleId,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it, in one line.
    pub fix: String,
    /// The edit `--fix` applies, present only when the fix is safe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edit: Option<Edit>,
    /// The machine, for evaluation findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// A safe fix: one change to one syntax node, located by its byte range in the checked text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// Byte offset where the node starts.
    pub start: u32,
    /// Byte offset where the node ends.
    pub end: u32,
    /// The node's text when it was checked (a fix is refused if the file changed since).
    pub original: String,
    /// What happens to the node.
    pub action: EditAction,
}

/// What an [`Edit`] does to its node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum EditAction {
    /// Replace the expression by this expression.
    Replace {
        /// The new expression's source text.
        text: String,
    },
    /// Remove the node, an item of a list, with the whitespace before it.
    RemoveListItem,
}

/// The result of [`crate::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Findings sorted by file, line, column and rule.
    pub findings: Vec<Finding>,
    /// How many Nix files were read.
    pub files_checked: usize,
    /// The rules that ran.
    pub active_rules: Vec<RuleId>,
    /// The root namespace used (configured or inferred).
    pub namespace: Option<String>,
    /// The domains found (configured or detected), as folders relative to the root.
    pub domains: Vec<String>,
}

/// A fix [`crate::fix`] applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedFix {
    /// The file changed, relative to the root.
    pub file: String,
    /// Line of the finding it fixed.
    pub line: u32,
    /// Column of the finding it fixed.
    pub column: u32,
    /// Its rule.
    pub rule: RuleId,
    /// What was changed.
    pub description: String,
}
