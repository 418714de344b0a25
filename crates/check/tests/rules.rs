//! Small repositories, one per case, for the details of each rule and fix: the forms an option
//! declaration can take, import resolution, what a profile may contain, how services are
//! counted, and when a fix is (and is not) offered.

use std::path::PathBuf;

use check::{Config, EditAction, Finding, RuleId};

/// Writes `files` into a fresh folder.
fn repo(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-check-rules-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create folder");
        std::fs::write(path, text).expect("write file");
    }
    dir
}

/// `(file, line, column, rule)` of every finding.
fn check(name: &str, files: &[(&str, &str)]) -> Vec<(String, u32, u32, RuleId)> {
    findings(name, files).iter().map(|f| (f.file.clone(), f.line, f.column, f.rule)).collect()
}

fn findings(name: &str, files: &[(&str, &str)]) -> Vec<Finding> {
    let dir = repo(name, files);
    let config = Config::load(&dir).expect("valid strata.toml");
    let report = check::check(&dir, &config).expect("check runs");
    let _ = std::fs::remove_dir_all(&dir);
    report.findings
}

/// The files after `check` and `fix`.
fn fixed(name: &str, files: &[(&str, &str)], read: &[&str]) -> Vec<String> {
    let dir = repo(name, files);
    let config = Config::load(&dir).expect("valid strata.toml");
    let report = check::check(&dir, &config).expect("check runs");
    check::fix(&dir, &config, &report).expect("fix applies");
    let out = read.iter().map(|f| std::fs::read_to_string(dir.join(f)).expect("read")).collect();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn finding(file: &str, line: u32, column: u32, rule: RuleId) -> (String, u32, u32, RuleId) {
    (file.to_string(), line, column, rule)
}

const NAMESPACE: (&str, &str) = ("strata.toml", "[check]\nnamespace = \"hwc\"\n");

#[test]
fn namespace_forms() {
    let found = check(
        "namespace",
        &[
            NAMESPACE,
            (
                "modules/server/media-stack/jellyfin.nix",
                "{ lib, ... }: { options = { hwc.server.mediaStack.jellyfin.enable = lib.mkEnableOption \"x\"; }; }",
            ),
            (
                "modules/server/media-stack/sonarr.nix",
                "{ lib, ... }: { options.hwc = { server.mediaStack = { sonarr = { }; }; }; }",
            ),
            ("modules/server/default.nix", "{ lib, ... }: { options.hwc.server.enable = lib.mkEnableOption \"x\"; }"),
            (
                "modules/server/radarr.nix",
                "{ lib, ... }: {\n  options = {\n    hwc.server.radar.enable = lib.mkEnableOption \"x\";\n  };\n}",
            ),
            (
                "modules/server/lidarr.nix",
                "{ lib, ... }: {\n  options.hwc.server = { lidarr.enable = lib.mkEnableOption \"x\"; other = 1; };\n}",
            ),
            ("modules/server/prowlarr.nix", "{ lib, ... }: {\n  options.hwc.server = lib.mkOption { };\n}"),
            (
                "modules/server/dynamic.nix",
                "{ lib, name, ... }: { options.hwc.server.${name}.enable = lib.mkEnableOption \"x\"; }",
            ),
        ],
    );
    assert_eq!(
        found,
        [
            finding("modules/server/lidarr.nix", 2, 66, RuleId::OptionNamespace),
            finding("modules/server/prowlarr.nix", 2, 15, RuleId::OptionNamespace),
            finding("modules/server/radarr.nix", 3, 16, RuleId::OptionNamespace),
        ]
    );
}

#[test]
fn namespace_is_inferred_when_not_configured() {
    let found = findings(
        "infer",
        &[
            ("modules/a.nix", "{ lib, ... }: { options.my.a.enable = lib.mkEnableOption \"a\"; }"),
            ("modules/b.nix", "{ lib, ... }: { options.my.b.enable = lib.mkEnableOption \"b\"; }"),
            ("modules/c.nix", "{ lib, ... }: { options.my.x.enable = lib.mkEnableOption \"c\"; }"),
        ],
    );
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].file.as_str(), found[0].line, found[0].column), ("modules/c.nix", 1, 28));
    assert!(found[0].message.contains("`my.c`"), "{}", found[0].message);
}

#[test]
fn imports_resolve_relative_paths_and_folders() {
    let found = check(
        "imports",
        &[
            NAMESPACE,
            ("profiles/base.nix", "{ ... }: { imports = [ ../machines/web ]; }"),
            ("profiles/ok.nix", "{ ... }: { imports = [ ../modules/x.nix ./base.nix ]; }"),
            ("modules/x.nix", "{ ... }: let p = import ../profiles/ok.nix; in { }"),
            ("modules/y.nix", "{ ... }: { imports = [ ./. ../modules/x.nix ]; }"),
            (
                "machines/web/default.nix",
                "{ ... }: {\n  imports = [ ../../profiles/ok.nix ./hw.nix ../other ../../modules/x.nix ];\n}",
            ),
            ("machines/web/hw.nix", "{ ... }: { }"),
            ("machines/other/default.nix", "{ ... }: { }"),
        ],
    );
    assert_eq!(
        found,
        [
            finding("machines/web/default.nix", 2, 46, RuleId::LayerImports),
            finding("machines/web/default.nix", 2, 55, RuleId::LayerImports),
            finding("modules/x.nix", 1, 25, RuleId::LayerImports),
            finding("profiles/base.nix", 1, 24, RuleId::LayerImports),
        ]
    );
}

#[test]
fn what_a_profile_may_contain() {
    let allowed = "{ config, lib, pkgs, ... }:\nlet\n  user = \"eric\";\n  ports = [ 80 443 ];\nin\nwith lib;\n{\n  imports = lib.optionals true [ ./a.nix ];\n  hwc.a.enable = mkDefault true;\n  hwc.b = mkIf (config.hwc.a.enable && !config.hwc.c.enable) { enable = true; };\n  hwc.d.level = mkOverride 90 3;\n  hwc.e = mkMerge [ { x = 1; } { y = \"${user}\"; } ];\n  services.openssh.enable = true;\n  networking.firewall.allowedTCPPorts = ports;\n  environment.systemPackages = with pkgs; [ git ];\n  users.users.${user}.home = config.hwc.paths.home or \"/var/empty\";\n}\n";
    let found = check("profile-ok", &[NAMESPACE, ("profiles/ok.nix", allowed), ("profiles/a.nix", "{ }")]);
    assert_eq!(found, []);

    // Each case: the profile and the text the finding points at.
    let logic = [
        ("a", "{ ... }: { hwc.x = if true then 1 else 2; }", "if true"),
        ("b", "{ lib, ... }: { services.nginx = lib.mkIf true { enable = true; }; }", "lib.mkIf"),
        ("c", "{ ... }: { hwc.ports = [ 80 ] ++ [ 443 ]; }", "[ 80 ] ++"),
        ("d", "{ ... }: let x = builtins.length [ ]; in { hwc.n = x; }", "builtins.length"),
        ("e", "{ pkgs, ... }: { hwc.script = pkgs.writeText \"a\" \"b\"; }", "pkgs.writeText"),
        ("f", "{ ... }: { hwc.f = a: a; }", "a: a"),
        ("g", "{ lib, ... }: { hwc.x = lib.mkIf (builtins.pathExists ./x) true; }", "builtins.pathExists"),
        ("h", "{ x, ... }: { hwc.s = \"${toString x}\"; }", "toString"),
    ];
    for (name, text, at) in logic {
        let file = format!("profiles/{name}.nix");
        let column = text.find(at).expect("marker in text") as u32 + 1;
        let found = check(&format!("profile-{name}"), &[NAMESPACE, (file.as_str(), text)]);
        assert_eq!(found, [finding(&file, 1, column, RuleId::ProfileLogic)], "{text}");
    }
}

#[test]
fn services_are_counted_by_name() {
    let one = "{ config, lib, ... }: {\n  options.hwc.media.enable = lib.mkEnableOption \"x\";\n  config = lib.mkIf config.hwc.media.enable {\n    virtualisation.oci-containers.containers.media = { image = \"m\"; };\n    systemd.services.\"podman-media\".after = [ ];\n    services.media.enable = lib.mkDefault true;\n    services.other.enable = false;\n    systemd.services = { media.wants = [ ]; };\n  };\n}\n";
    assert_eq!(check("one-service", &[NAMESPACE, ("modules/media.nix", one)]), []);
    let two =
        "{ ... }: {\n  systemd.services = {\n    a = { };\n    b.after = [ ];\n  };\n  services.c.enable = true;\n}\n";
    assert_eq!(
        check("two-services", &[NAMESPACE, ("modules/two.nix", two)]),
        [
            finding("modules/two.nix", 4, 5, RuleId::OneServicePerFile),
            finding("modules/two.nix", 6, 12, RuleId::OneServicePerFile)
        ]
    );
}

#[test]
fn enable_option_fixes() {
    let module = |body: &str| format!("{{ lib, ... }}:\n{{\n  options.hwc.m = {{\n{body}\n  }};\n}}\n");
    let cases = [
        // `with lib;` makes a bare mkEnableOption reachable.
        (
            "    enable = with lib; mkOption { type = types.bool; default = false; description = \"Enable the M service.\"; };",
            Some("    enable = with lib; mkEnableOption \"the M service\";"),
        ),
        // `default = true` is kept with `//`.
        (
            "    enable = lib.mkOption { default = true; type = lib.types.bool; example = true; };",
            Some("    enable = lib.mkEnableOption \"m\" // { default = true; };"),
        ),
        // Another attribute, a computed default, a bare name without `with lib`: no fix.
        ("    enable = lib.mkOption { type = lib.types.bool; default = false; apply = x: x; };", None),
        ("    enable = lib.mkOption { type = lib.types.bool; default = 1 == 1; };", None),
        ("    enable = let inherit (lib) mkOption types; in mkOption { type = types.bool; default = false; };", None),
        ("    enable = lib.mkOption { type = lib.types.str; default = false; };", None),
    ];
    for (index, (line, want)) in cases.into_iter().enumerate() {
        let text = module(line);
        let files = [NAMESPACE, ("modules/m.nix", text.as_str())];
        let found = findings(&format!("enable-{index}"), &files);
        assert_eq!(found.len(), 1, "{line}: {found:#?}");
        assert_eq!(found[0].rule, RuleId::EnableOption);
        assert_eq!(found[0].edit.is_some(), want.is_some(), "{line}");
        let after = fixed(&format!("enable-fix-{index}"), &files, &["modules/m.nix"]);
        assert_eq!(after[0], module(want.unwrap_or(line)), "{line}");
    }
}

#[test]
fn domain_fix_replaces_the_first_bucket_import_and_removes_the_rest() {
    let files = [
        NAMESPACE,
        ("domains/infra/default.nix", "{ ... }: { imports = [ ./hardware ./mesh.nix ]; }"),
        ("domains/infra/hardware/default.nix", "{ ... }: { imports = [ ./gpu.nix ]; }"),
        ("domains/infra/hardware/gpu.nix", "{ ... }: { }"),
        ("domains/infra/mesh.nix", "{ ... }: { }"),
        ("domains/infra/extra.nix", "{ ... }: { }"),
        ("profiles/a.nix", "{ ... }: {\n  imports = [\n    ../domains/infra/hardware/gpu.nix\n    ../domains/infra/mesh.nix\n  ];\n}\n"),
        ("profiles/b.nix", "{ ... }: {\n  imports = [ ../domains/infra ../domains/infra/mesh.nix ];\n}\n"),
        ("profiles/c.nix", "{ ... }: {\n  imports = [ ../domains/infra/extra.nix ];\n}\n"),
    ];
    let found = findings("domain", &files);
    let summary: Vec<(String, u32, u32, bool)> =
        found.iter().map(|f| (f.file.clone(), f.line, f.column, f.edit.is_some())).collect();
    assert_eq!(
        summary,
        [
            ("profiles/a.nix".to_string(), 3, 5, true),
            ("profiles/a.nix".to_string(), 4, 5, true),
            ("profiles/b.nix".to_string(), 2, 32, true),
            // extra.nix is not reached from the aggregator: importing the domain would not load it.
            ("profiles/c.nix".to_string(), 2, 15, false),
        ]
    );
    assert!(found.iter().all(|f| f.rule == RuleId::DomainAggregator));
    assert_eq!(found[1].edit.as_ref().map(|e| e.action.clone()), Some(EditAction::RemoveListItem));
    let after = fixed("domain-fix", &files, &["profiles/a.nix", "profiles/b.nix", "profiles/c.nix"]);
    assert_eq!(after[0], "{ ... }: {\n  imports = [\n    ../domains/infra\n  ];\n}\n");
    assert_eq!(after[1], "{ ... }: {\n  imports = [ ../domains/infra ];\n}\n");
    assert_eq!(after[2], files[8].1);
}

#[test]
fn buckets_may_read_their_own_options_and_the_domain_s() {
    let files = [
        NAMESPACE,
        ("modules/infra/index.nix", "{ ... }: { imports = [ ./gpu.nix ./mesh ]; }"),
        ("modules/infra/gpu.nix", "{ config, ... }: { x = config.hwc.infra.gpu.type; y = config.hwc.infra.enable; }"),
        ("modules/infra/mesh/default.nix", "{ ... }: { imports = [ ./net.nix ]; }"),
        ("modules/infra/mesh/net.nix", "{ config, ... }: {\n  z = config.hwc.infra.gpu.accel or null;\n}\n"),
        ("modules/media.nix", "{ config, ... }: { a = config.hwc.infra.gpu.accel; }"),
    ];
    assert_eq!(check("buckets", &files), [finding("modules/infra/mesh/net.nix", 2, 7, RuleId::BucketCrossRead)]);
}

#[test]
fn hardcoded_paths_in_strings_and_path_literals() {
    let files = [
        NAMESPACE,
        ("modules/paths.nix", "{ lib, ... }: { options.hwc.paths.state = lib.mkOption { default = \"/srv/state\"; }; }"),
        ("modules/a.nix", "{ ... }: {\n  x = /srv/state/a;\n  y = \"http://host/srv/x\";\n  z = ''\n    cp a /home/eric/b\n  '';\n  # strata: allow hardcoded-path, kebab-case\n  w = \"/mnt\";\n}\n"),
    ];
    let found = findings("paths", &files);
    let positions: Vec<(u32, u32, RuleId)> = found.iter().map(|f| (f.line, f.column, f.rule)).collect();
    // The comment's `kebab-case` silences nothing: that is reported too.
    assert_eq!(
        positions,
        [(2, 7, RuleId::HardcodedPath), (5, 10, RuleId::HardcodedPath), (7, 3, RuleId::AllowComment)]
    );
    assert!(found[2].message.contains("`# strata: allow kebab-case` silences nothing"), "{}", found[2].message);
    assert_eq!(found[0].fix, "write \"${config.hwc.paths.state}/a\" (the paths module's `hwc.paths.state`) instead");
    assert!(found[1].fix.contains("modules/paths.nix"), "{}", found[1].fix);
}

#[test]
fn kebab_case_files_and_folders() {
    let files = [
        NAMESPACE,
        ("modules/MediaStack/a.nix", "{ }"),
        ("modules/b_c.nix", "# strata: allow kebab-case\n{ }"),
        ("modules/d_e.nix", "{ }"),
    ];
    assert_eq!(
        check("kebab", &files),
        [finding("modules/MediaStack", 0, 0, RuleId::KebabCase), finding("modules/d_e.nix", 1, 1, RuleId::KebabCase)]
    );
}

#[test]
fn syntax_errors_are_findings_and_other_rules_skip_the_file() {
    let files = [NAMESPACE, ("modules/bad.nix", "{ ... }: {\n  options.x = ;\n}\n")];
    let found = findings("syntax", &files);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].rule, found[0].line, found[0].column), (RuleId::Syntax, 2, 15));
}

#[test]
fn rules_stay_off_without_their_layout() {
    // A flat repository: no modules, profiles or machines folders.
    let files = [("default.nix", "{ x = \"/home/a\"; enable = lib.mkOption { }; }"), ("Odd_Name.nix", "{ }")];
    let dir = repo("flat", &files);
    let report = check::check(&dir, &Config::default()).expect("check runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(report.active_rules.is_empty(), "{:?}", report.active_rules);
    assert!(report.findings.is_empty());
}

#[test]
fn allow_comments_naming_no_rule_are_reported() {
    let files = [NAMESPACE, ("modules/a.nix", "{ ... }: {\n  # strata: allow hardcoded-paths\n  x = 1;\n}\n")];
    let found = findings("allow-unknown", &files);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].rule, found[0].line, found[0].column), (RuleId::AllowComment, 2, 3));
    assert!(found[0].message.contains("names no rule") && found[0].fix.contains("hardcoded-path"));
}

#[test]
fn hostile_input_is_a_positioned_syntax_finding_and_fast() {
    let deep = format!("{{ x = {}{}; }}", "[".repeat(20_000), "]".repeat(20_000));
    let chain = format!("{{ x = {}1; }}", "1+".repeat(200_000));
    let started = std::time::Instant::now();
    let found = findings("hostile", &[NAMESPACE, ("modules/deep.nix", &deep), ("modules/chain.nix", &chain)]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
    let summary: Vec<(String, u32, RuleId)> = found.iter().map(|f| (f.file.clone(), f.line, f.rule)).collect();
    assert_eq!(
        summary,
        [("modules/chain.nix".to_string(), 1, RuleId::Syntax), ("modules/deep.nix".to_string(), 1, RuleId::Syntax)]
    );
    assert!(found[0].message.contains("a run of more than"), "{}", found[0].message);
    assert!(found[1].message.contains("nested too deeply"), "{}", found[1].message);
}

#[test]
fn fix_refuses_an_edit_whose_result_would_not_parse() {
    let text = "{ x = 1; }\n";
    let dir = repo("refuse", &[("a.nix", text)]);
    // An edit (as a report from elsewhere could carry) that turns the attribute name into a call.
    let edit = check::Edit {
        start: 2,
        end: 3,
        original: "x".to_string(),
        action: EditAction::Replace { text: "f y".to_string() },
    };
    let finding = Finding {
        file: "a.nix".to_string(),
        line: 1,
        column: 3,
        rule: RuleId::EnableOption,
        message: "m".to_string(),
        fix: "f".to_string(),
        edit: Some(edit),
        host: None,
    };
    let report = check::Report {
        findings: vec![finding],
        files_checked: 1,
        active_rules: Vec::new(),
        namespace: None,
        domains: Vec::new(),
    };
    let error = check::fix(&dir, &Config::default(), &report).expect_err("refused");
    assert!(error.to_string().contains("a.nix:1:3: fix refused: the fixed file would not parse"), "{error}");
    assert_eq!(std::fs::read_to_string(dir.join("a.nix")).expect("read"), text);
    let names: Vec<_> = std::fs::read_dir(&dir).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_domain_fix_when_the_domain_would_switch_something_on() {
    let files = [
        NAMESPACE,
        ("domains/infra/default.nix", "{ ... }: { imports = [ ./gpu.nix ./mesh.nix ]; }"),
        ("domains/infra/gpu.nix", "{ ... }: { }"),
        // Configuration that is on by itself: importing the whole domain would add it.
        ("domains/infra/mesh.nix", "{ ... }: { networking.firewall.enable = true; }"),
        ("profiles/a.nix", "{ ... }: { imports = [ ../domains/infra/gpu.nix ]; }"),
    ];
    let found = findings("domain-unsafe", &files);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, RuleId::DomainAggregator);
    assert!(found[0].edit.is_none());
}
