//! The fixture fleet under `tests/fixtures/fleet` has exactly one violation of every rule, plus
//! allowed (`# strata: allow`) and clean cases. These tests prove each violation is found at its
//! position, that the safe fixes produce the files under `tests/fixtures/expected`, that the
//! fixed repository re-checks clean for those rules, and that the fixed module evaluates the same.

use std::path::{Path, PathBuf};

use check::{Config, EditAction, Finding, RuleId};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fleet")
}

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/expected")
}

/// A fresh copy of the fixture in a temporary folder.
fn copy_of_fixture(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixture(), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read fixture").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn files_of(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read folder").flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        if entry.path().is_dir() {
            files_of(&entry.path(), &rel, out);
        } else {
            out.push(rel);
        }
    }
}

fn run_check(root: &Path) -> Vec<Finding> {
    let config = Config::load(root).expect("strata.toml is valid");
    check::check(root, &config).expect("the fixture can be checked").findings
}

fn positions(findings: &[Finding]) -> Vec<(String, u32, u32, RuleId)> {
    findings.iter().map(|f| (f.file.clone(), f.line, f.column, f.rule)).collect()
}

/// One finding per rule, where each violation is.
fn expected_findings() -> Vec<(String, u32, u32, RuleId)> {
    let list = [
        ("machines/big/default.nix", 51, 1, RuleId::MachineSize),
        ("modules/infrastructure/mesh/container-networking.nix", 10, 45, RuleId::BucketCrossRead),
        ("modules/server/Legacy_Tools.nix", 1, 1, RuleId::KebabCase),
        ("modules/server/backup.nix", 10, 18, RuleId::HardcodedPath),
        ("modules/server/downloads.nix", 15, 16, RuleId::OneServicePerFile),
        ("modules/server/importer.nix", 3, 15, RuleId::LayerImports),
        ("modules/server/media-stack/radarr.nix", 3, 15, RuleId::OptionNamespace),
        ("modules/server/media-stack/sonarr.nix", 7, 14, RuleId::EnableOption),
        ("profiles/gaming.nix", 4, 3, RuleId::ProfileDeclaresOptions),
        ("profiles/media.nix", 5, 5, RuleId::DomainAggregator),
        ("profiles/media.nix", 8, 32, RuleId::ProfileLogic),
    ];
    list.into_iter().map(|(file, line, column, rule)| (file.to_string(), line, column, rule)).collect()
}

#[test]
fn every_rule_is_found_once_at_its_position() {
    let findings = run_check(&fixture());
    assert_eq!(positions(&findings), expected_findings(), "{findings:#?}");
    let mut rules: Vec<RuleId> = findings.iter().map(|f| f.rule).collect();
    rules.sort();
    assert_eq!(rules, RuleId::RULES.to_vec().tap_sort(), "one finding per rule");
    for finding in &findings {
        assert!(!finding.message.is_empty() && !finding.message.contains('\n'), "{finding:?}");
        assert!(!finding.fix.is_empty() && !finding.fix.contains('\n'), "{finding:?}");
    }
}

trait TapSort {
    fn tap_sort(self) -> Self;
}

impl TapSort for Vec<RuleId> {
    fn tap_sort(mut self) -> Self {
        self.sort();
        self
    }
}

#[test]
fn messages_name_the_facts() {
    let findings = run_check(&fixture());
    let message = |rule: RuleId| -> (String, String) {
        let f = findings.iter().find(|f| f.rule == rule).expect("finding present");
        (f.message.clone(), f.fix.clone())
    };
    let (message_text, fix) = message(RuleId::OptionNamespace);
    assert!(message_text.contains("hwc.media.radarr.enable") && message_text.contains("hwc.server.mediaStack.radarr"));
    assert!(fix.contains("options.hwc.server.mediaStack.radarr"));
    let (message_text, fix) = message(RuleId::HardcodedPath);
    assert!(message_text.contains("/mnt/media/photos/"), "{message_text}");
    assert_eq!(
        fix,
        "write \"${config.hwc.system.paths.media}/photos/\" (the paths module's `hwc.system.paths.media`) instead"
    );
    let (message_text, _) = message(RuleId::OneServicePerFile);
    assert!(message_text.contains("`sabnzbd`") && message_text.contains("`qbittorrent`"), "{message_text}");
    let (message_text, _) = message(RuleId::BucketCrossRead);
    assert!(message_text.contains("`mesh`") && message_text.contains("`hardware`"), "{message_text}");
    let (message_text, _) = message(RuleId::MachineSize);
    assert!(message_text.contains("55 lines") && message_text.contains("50"), "{message_text}");
}

#[test]
fn only_the_safe_fixes_carry_edits() {
    let findings = run_check(&fixture());
    let with_edits: Vec<RuleId> = findings.iter().filter(|f| f.edit.is_some()).map(|f| f.rule).collect();
    assert_eq!(with_edits, [RuleId::EnableOption, RuleId::DomainAggregator]);
    let sonarr = findings.iter().find(|f| f.rule == RuleId::EnableOption).and_then(|f| f.edit.clone());
    let Some(edit) = sonarr else { panic!("enable-option has an edit") };
    assert_eq!(edit.action, EditAction::Replace { text: "lib.mkEnableOption \"Sonarr\"".to_string() });
}

#[test]
fn fix_applies_the_safe_fixes_and_the_result_rechecks_clean() {
    let root = copy_of_fixture("fix");
    let config = Config::load(&root).expect("valid config");
    let report = check::check(&root, &config).expect("check");
    let applied = check::fix(&root, &config, &report).expect("fixes apply");
    let fixed: Vec<(String, RuleId)> = applied.iter().map(|a| (a.file.clone(), a.rule)).collect();
    assert_eq!(
        fixed,
        [
            ("modules/server/media-stack/sonarr.nix".to_string(), RuleId::EnableOption),
            ("profiles/media.nix".to_string(), RuleId::DomainAggregator)
        ]
    );

    // Changed files equal the expected files; every other file is untouched.
    let mut expected = Vec::new();
    files_of(&expected_dir(), "", &mut expected);
    let mut all = Vec::new();
    files_of(&fixture(), "", &mut all);
    for rel in &all {
        let now = std::fs::read_to_string(root.join(rel)).expect("read fixed file");
        let want = if expected.contains(rel) {
            std::fs::read_to_string(expected_dir().join(rel)).expect("read expected")
        } else {
            std::fs::read_to_string(fixture().join(rel)).expect("read original")
        };
        assert_eq!(now, want, "{rel}");
    }
    let mut after = Vec::new();
    files_of(&root, "", &mut after);
    assert_eq!(after, all, "no temporary files are left behind");

    // The fixed repository has the same findings minus the fixed ones.
    let remaining = run_check(&root);
    let want: Vec<_> = expected_findings()
        .into_iter()
        .filter(|(_, _, _, rule)| !matches!(rule, RuleId::EnableOption | RuleId::DomainAggregator))
        .collect();
    assert_eq!(positions(&remaining), want);

    // A second fix run has nothing left to do.
    let report = check::check(&root, &config).expect("check");
    assert!(check::fix(&root, &config, &report).expect("no fixes").is_empty());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn fix_refuses_a_file_changed_since_the_check() {
    let root = copy_of_fixture("stale");
    let config = Config::load(&root).expect("valid config");
    let report = check::check(&root, &config).expect("check");
    let sonarr = root.join("modules/server/media-stack/sonarr.nix");
    let text = std::fs::read_to_string(&sonarr).expect("read");
    std::fs::write(&sonarr, format!("# edited\n{text}")).expect("write");
    let media_before = std::fs::read_to_string(root.join("profiles/media.nix")).expect("read");
    let error = check::fix(&root, &config, &report).expect_err("the edit is stale");
    assert!(error.to_string().contains("sonarr.nix:7:14: fix refused: the file changed"), "{error}");
    let media_after = std::fs::read_to_string(root.join("profiles/media.nix")).expect("read");
    assert_eq!(media_before, media_after, "nothing is written when one fix is refused");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn allow_comments_silence_exactly_their_finding() {
    let root = copy_of_fixture("allow");
    let jellyfin = root.join("modules/server/media-stack/jellyfin.nix");
    let text = std::fs::read_to_string(&jellyfin).expect("read");
    std::fs::write(&jellyfin, text.replace("    # strata: allow hardcoded-path\n", "")).expect("write");
    let sonarr = root.join("modules/server/media-stack/sonarr.nix");
    let text = std::fs::read_to_string(&sonarr).expect("read");
    std::fs::write(&sonarr, text.replace("    # strata: allow enable-option\n", "    # strata: allow kebab-case\n"))
        .expect("write");
    let homelab = root.join("profiles/HomeLab.nix");
    let text = std::fs::read_to_string(&homelab).expect("read");
    std::fs::write(&homelab, text.replace("# strata: allow kebab-case\n", "")).expect("write");

    let findings = positions(&run_check(&root));
    let new: Vec<_> = findings.iter().filter(|f| !expected_findings().contains(f)).cloned().collect();
    assert_eq!(
        new,
        [
            ("modules/server/media-stack/jellyfin.nix".to_string(), 25, 47, RuleId::HardcodedPath),
            // The comment now names a rule with no finding on the next line.
            ("modules/server/media-stack/sonarr.nix".to_string(), 13, 5, RuleId::AllowComment),
            ("modules/server/media-stack/sonarr.nix".to_string(), 14, 18, RuleId::EnableOption),
            ("profiles/HomeLab.nix".to_string(), 1, 1, RuleId::KebabCase),
        ]
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn rules_can_be_switched_off_and_excluded() {
    let root = copy_of_fixture("config");
    let toml = "[check]\nnamespace = \"hwc\"\n[check.rules.machine-size]\nenabled = false\n\
                [check.rules.hardcoded-path]\nexclude = [\"modules/server/*.nix\"]\n";
    std::fs::write(root.join("strata.toml"), toml).expect("write");
    let findings = positions(&run_check(&root));
    let want: Vec<_> = expected_findings()
        .into_iter()
        .filter(|(_, _, _, rule)| !matches!(rule, RuleId::MachineSize | RuleId::HardcodedPath))
        .collect();
    assert_eq!(findings, want);

    std::fs::write(root.join("strata.toml"), "[check.rules.machine-size]\nmax-lines = 60\n").expect("write");
    let findings = positions(&run_check(&root));
    assert!(!findings.iter().any(|f| f.3 == RuleId::MachineSize));
    assert!(findings.iter().any(|f| f.3 == RuleId::OptionNamespace), "namespace `hwc` is inferred");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn config_errors_are_positioned() {
    let root = copy_of_fixture("bad-config");
    let cases = [
        ("[check]\nnamespace = \"hwc\"\nmax-lines = 3\n", "strata.toml:3:1: unknown field `max-lines`"),
        ("[check.rules.machine-size]\nmax-lines = -1\n", "strata.toml:2:13: max-lines must be a positive number"),
        ("[check.rules.no-such-rule]\n", "strata.toml:1:14: unknown field `no-such-rule`"),
        ("[check\n", "strata.toml:1:7:"),
    ];
    for (text, want) in cases {
        std::fs::write(root.join("strata.toml"), text).expect("write");
        let error = Config::load(&root).expect_err("invalid config");
        let shown = error.to_string();
        let relative = shown.replace(&format!("{}/", root.display()), "");
        assert!(relative.starts_with(want), "{relative}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn report_serializes_to_json() {
    let config = Config::load(&fixture()).expect("valid");
    let report = check::check(&fixture(), &config).expect("check");
    let json = serde_json::to_value(&report).expect("serializable");
    let first = &json["findings"][0];
    assert_eq!(first["file"], "machines/big/default.nix");
    assert_eq!(first["line"], 51);
    assert_eq!(first["rule"], "machine-size");
    assert_eq!(json["namespace"], "hwc");
    assert_eq!(json["domains"], serde_json::json!(["modules/infrastructure"]));
    let edit = json["findings"].as_array().and_then(|a| a.iter().find(|f| f["rule"] == "domain-aggregator"));
    assert_eq!(edit.map(|f| f["edit"]["action"]["kind"].clone()), Some(serde_json::json!("replace")));
}

/// The options and configuration of a module file, as JSON, evaluated with Strata's `lib`.
/// (`mkEnableOption` also sets `example = true`, which only documentation shows; it is left out.)
fn evaluate_module(dir: &Path, file: &str) -> String {
    let source = format!(
        "let m = (import <strata/lib>).evalModules {{ modules = [ ./{file} {{ _module.check = false; }} ]; }};
             o = m.options.hwc.server.mediaStack.sonarr;
             show = opt: {{ inherit (opt) default description; type = opt.type.name; }};
         in builtins.toJSON {{ enable = show o.enable; api = show o.api.enable; config = m.config.hwc; }}"
    );
    let dir_text = dir.to_string_lossy().into_owned();
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            use eval::{EvalOptions, Evaluator};
            let options =
                EvalOptions { builtin_search_path: vec![modules::search_path_entry()], ..EvalOptions::default() };
            let ev = Evaluator::new(options, Box::new(modules::LibIO::new(eval::io::StdIO)));
            let value = ev.eval_source("«test»", &source, &dir_text).and_then(|v| ev.force(&v));
            match value {
                Ok(eval::Value::String(text)) => text.text.clone(),
                Ok(_) => "not a string".to_string(),
                Err(error) => ev.render_error(&error, true),
            }
        })
        .expect("spawn");
    worker.join().expect("evaluation thread")
}

#[test]
fn the_fixed_module_evaluates_the_same() {
    let root = copy_of_fixture("eval");
    let module = "modules/server/media-stack/sonarr.nix";
    let before = evaluate_module(&root, module);
    assert!(before.contains("\"description\":\"Whether to enable Sonarr.\""), "{before}");
    let config = Config::load(&root).expect("valid");
    let report = check::check(&root, &config).expect("check");
    check::fix(&root, &config, &report).expect("fix");
    assert_ne!(std::fs::read_to_string(root.join(module)).ok(), std::fs::read_to_string(fixture().join(module)).ok());
    let after = evaluate_module(&root, module);
    assert_eq!(before, after);
    let _ = std::fs::remove_dir_all(&root);
}
