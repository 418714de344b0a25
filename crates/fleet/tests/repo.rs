//! The fleet API on a small fixture repository (`tests/fixtures/basic`).

use std::path::PathBuf;

use fleet::{parse_path, Repo, Shown};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn open() -> Repo {
    match Repo::open(&fixture("basic")) {
        Ok(repo) => repo,
        Err(error) => panic!("{error}"),
    }
}

/// Tests that point `XDG_CACHE_HOME` at a directory of their own run one at
/// a time: the variable is shared by the whole process.
static CACHE_ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn path(text: &str) -> Vec<String> {
    parse_path(text).expect("a valid path")
}

#[test]
fn hosts_list_each_machine_with_system_tags_and_counts() {
    let repo = open();
    let hosts = repo.hosts().expect("hosts");
    let names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["db", "web1"]);
    assert_eq!(hosts[0].system, "aarch64-linux");
    assert_eq!(hosts[1].system, "x86_64-linux");
    assert_eq!(hosts[1].tags, ["web", "edge"]);
    assert!(hosts[0].tags.is_empty());
    // web1 declares site.port and site.enable itself, db one option in flake.nix.
    assert!(hosts[1].options > hosts[0].options - 1);
    assert!(hosts.iter().all(|h| h.modules >= 3), "{hosts:?}");
}

#[test]
fn show_forces_values_and_names_packages() {
    let repo = open();
    let web1 = repo.machine("web1").expect("web1");
    assert_eq!(web1.show(&path("site.port")).expect("port"), Shown::Int(8080));
    // A package interpolated into a string is its install prefix.
    assert_eq!(web1.show(&path("site.motd")).expect("motd"), Shown::String("run /usr/bin/jellyfin".into()));
    let whole = web1.show(&[]).expect("whole configuration");
    let Shown::Attrs(entries) = whole else { panic!("not a set") };
    assert!(entries.iter().any(|(name, _)| name == "site"));
    assert!(!entries.iter().any(|(name, _)| name == "_module"), "internal arguments are left out");
}

#[test]
fn unknown_paths_and_machines_suggest_close_names() {
    let repo = open();
    let error = repo.machine("wbe1").err().expect("no such machine");
    assert!(error.message().contains("did you mean web1?"), "{error}");
    assert!(error.message().contains("machines: db, web1"), "{error}");
    let web1 = repo.machine("web1").expect("web1");
    let error = web1.show(&path("site.prot")).err().expect("no such option");
    assert!(error.message().contains("did you mean site.port?"), "{error}");
}

#[test]
fn explain_lists_definitions_with_positions_priorities_and_switched_off_ones() {
    let repo = open();
    let web1 = repo.machine("web1").expect("web1");
    let port = web1.explain(&path("site.port")).expect("explain port");
    assert_eq!(port.option, "site.port");
    assert_eq!(port.value.as_deref(), Some("8080"));
    assert!(!port.default_used);
    assert_eq!(port.definitions.len(), 1);
    let definition = &port.definitions[0];
    assert!(definition.file.ends_with("machines/web1.nix"), "{definition:?}");
    assert_eq!((definition.line, definition.column, definition.priority), (Some(12), Some(5), 100));
    assert!(definition.used);

    let enable = web1.explain(&path("site.enable")).expect("explain enable");
    assert!(enable.default_used);
    assert_eq!(enable.definitions.len(), 1);
    assert!(enable.definitions[0].disabled, "the mkIf condition is false: {enable:?}");

    let db = repo.machine("db").expect("db");
    let port = db.explain(&path("site.port")).expect("explain db port");
    assert_eq!(port.definitions[0].priority, 1000, "mkDefault");
}

#[test]
fn option_values_carry_json_values_and_definition_sites() {
    let repo = open();
    let web1 = repo.machine("web1").expect("web1");
    let values = web1.option_values().expect("option values");
    let port = values.iter().find(|v| v.path == "site.port").expect("site.port is defined");
    assert_eq!(port.value, serde_json::json!(8080));
    assert_eq!(port.definitions.len(), 1);
    assert_eq!(port.definitions[0].line, 12);
    assert!(values.iter().all(|v| !v.path.starts_with("_module")));
    // Options with only their default are not listed.
    assert!(values.iter().all(|v| v.path != "site.enable"));
}

#[test]
fn option_docs_cover_the_repository_and_builtin_options() {
    let repo = open();
    let docs = repo.option_docs(&[]).expect("docs");
    let motd = docs.iter().find(|d| d.name == "site.motd").expect("site.motd");
    assert_eq!(motd.description.as_deref(), Some("Message of the day."));
    assert_eq!(motd.default.as_deref(), Some("\"\""));
    assert_eq!(motd.example.as_deref(), Some("\"hello\""));
    assert!(motd.positions.iter().any(|p| p.ends_with("modules/site.nix:3:3")), "{motd:?}");
    assert!(docs.iter().any(|d| d.name == "strata.tags"));
}

#[test]
fn package_references_record_the_package_in_string_context() {
    let repo = open();
    let ev = repo.evaluator();
    let web1 = repo.machine("web1").expect("web1");
    let motd = web1.value(&path("site.motd")).expect("motd");
    let string = ev.force_string(&motd, syntax::ast::Pos::NONE).expect("a string");
    assert_eq!(fleet::pkgs::packages_in(&string.context), ["jellyfin"]);
}

#[test]
fn pkgs_maps_nixpkgs_names_and_rejects_bad_distribution_names() {
    let repo = open();
    let ev = repo.evaluator();
    let pos = syntax::ast::Pos::NONE;
    let set = ev.force_attrs(&fleet::pkgs::package_set(), pos).expect("a set");
    let fd = ev.force_attrs(set.get_str("fd").expect("fd"), pos).expect("a package");
    assert_eq!(ev.force_str(fd.get_str("strataPackage").expect("name"), pos).expect("str"), "fd-find");
    assert_eq!(ev.force_str(fd.get_str("outPath").expect("outPath"), pos).expect("str"), "/usr");
    let function = set.get_str("distributionPackage").expect("distributionPackage");
    let custom = ev.call(function, eval::Value::string("my-tool"), pos).expect("a package");
    let custom = ev.force_attrs(&custom, pos).expect("a set");
    assert_eq!(ev.force_str(custom.get_str("strataPackage").expect("name"), pos).expect("str"), "my-tool");
    let error = ev.call(function, eval::Value::string("Bad_Name"), pos).err().expect("rejected");
    assert!(error.message().contains("not a valid distribution package name"), "{}", error.message());
    assert!(fleet::pkgs::is_package_name("g++"));
}

#[test]
fn a_missing_repository_is_a_clear_error() {
    let error = Repo::open(&fixture("does-not-exist")).err().expect("no repository");
    assert!(error.message().contains("cannot open the repository"), "{error}");
}

#[test]
fn the_cache_reuses_output_until_a_file_read_changes() {
    let dir = std::env::temp_dir().join(format!("strata-fleet-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let repo_dir = dir.join("repo");
    std::fs::create_dir_all(repo_dir.join("machines")).expect("temp dir");
    for name in ["flake.nix", "flake.lock", "machines/web1.nix", "machines/db.nix"] {
        std::fs::copy(fixture("basic").join(name), repo_dir.join(name)).expect("copy");
    }
    std::fs::create_dir_all(repo_dir.join("modules")).expect("temp dir");
    std::fs::copy(fixture("basic").join("modules/site.nix"), repo_dir.join("modules/site.nix")).expect("copy");
    let _guard = CACHE_ENV.lock().unwrap_or_else(|e| e.into_inner());
    std::env::set_var("XDG_CACHE_HOME", dir.join("cache"));
    let key = format!("{}\ntest", repo_dir.display());
    let io = eval::io::StdIO;
    assert_eq!(fleet::cache::lookup(&key, &io), None);

    let repo = Repo::open(&repo_dir).expect("open");
    let output = format!("{:?}", repo.hosts().expect("hosts"));
    let dependencies = repo.dependencies();
    assert!(!dependencies.is_impure());
    assert!(dependencies.len() >= 4, "flake.nix, flake.lock, the machines and the module: {dependencies:?}");
    fleet::cache::store(&key, &dependencies, &output);
    assert_eq!(fleet::cache::lookup(&key, &io).as_deref(), Some(output.as_str()));

    // Touching a file keeps the entry; changing one drops it.
    let module = repo_dir.join("modules/site.nix");
    let text = std::fs::read_to_string(&module).expect("read");
    std::fs::write(&module, &text).expect("write");
    assert_eq!(fleet::cache::lookup(&key, &io).as_deref(), Some(output.as_str()));
    std::fs::write(&module, text + "\n# changed\n").expect("write");
    assert_eq!(fleet::cache::lookup(&key, &io), None);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_reaches_into_attribute_set_options() {
    let repo = open();
    let web1 = repo.machine("web1").expect("web1");
    let groups = web1.explain(&path("users.users.alice.extraGroups")).expect("explain");
    assert_eq!(groups.option, "users.users");
    assert_eq!(groups.path, "users.users.alice.extraGroups");
    assert_eq!(groups.value.as_deref(), Some("[ \"wheel\" ]"));
    let from_machine: Vec<_> = groups.definitions.iter().filter(|d| d.file.ends_with("web1.nix")).collect();
    assert_eq!(from_machine.len(), 1, "bob's definition does not define alice: {groups:?}");
    assert_eq!(from_machine[0].value.as_deref(), Some("[ \"wheel\" ]"));

    let shell = web1.explain(&path("users.users.alice.shell")).expect("explain shell");
    assert!(shell.definitions.iter().any(|d| d.disabled && d.file.ends_with("web1.nix")), "{shell:?}");

    let description = web1.explain(&path("users.users.alice.description")).expect("explain description");
    let forced = description.definitions.iter().find(|d| d.file.ends_with("web1.nix")).expect("defined");
    assert_eq!(forced.priority, 50, "mkForce inside the value");
    assert_eq!(description.value.as_deref(), Some("\"Alice\""));

    let error = web1.explain(&path("nope.x")).err().expect("no such option");
    assert!(error.message().contains("The option `nope' does not exist."), "{error}");
}

#[test]
fn host_summaries_evaluate_again_only_the_machines_whose_files_changed() {
    let dir = std::env::temp_dir().join(format!("strata-fleet-incremental-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let repo_dir = dir.join("repo");
    std::fs::create_dir_all(repo_dir.join("machines")).expect("temp dir");
    std::fs::write(
        repo_dir.join("flake.nix"),
        r#"{
  outputs = { strata, ... }: {
    nixosConfigurations = strata.lib.genAttrs [ "a" "b" "c" ] (name:
      strata.lib.nixosSystem { modules = [ (./machines + "/${name}.nix") ]; });
  };
}
"#,
    )
    .expect("write");
    for name in ["a", "b", "c"] {
        std::fs::write(repo_dir.join(format!("machines/{name}.nix")), format!("{{ strata.tags = [ \"{name}\" ]; }}\n"))
            .expect("write");
    }
    let cache_dir = dir.join("cache");
    let _guard = CACHE_ENV.lock().unwrap_or_else(|e| e.into_inner());
    std::env::set_var("XDG_CACHE_HOME", &cache_dir);
    let first = fleet::incremental::host_summaries(&repo_dir).expect("summaries");
    assert_eq!(first.iter().map(|h| h.tags.concat()).collect::<Vec<_>>(), ["a", "b", "c"]);
    let entries = |dir: &std::path::Path| -> Vec<(PathBuf, std::time::SystemTime)> {
        let mut found: Vec<_> = std::fs::read_dir(dir.join("strata/eval"))
            .expect("cache written")
            .flatten()
            .map(|e| (e.path(), e.metadata().and_then(|m| m.modified()).expect("mtime")))
            .collect();
        found.sort();
        found
    };
    let before = entries(&cache_dir);
    assert_eq!(before.len(), 4, "three machines and the list of names");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(repo_dir.join("machines/b.nix"), "{ strata.tags = [ \"changed\" ]; }\n").expect("write");
    let second = fleet::incremental::host_summaries(&repo_dir).expect("summaries");
    assert_eq!(second.iter().map(|h| h.tags.concat()).collect::<Vec<_>>(), ["a", "changed", "c"]);
    let after = entries(&cache_dir);
    let rewritten = before.iter().zip(&after).filter(|(old, new)| old.1 != new.1).count();
    assert_eq!(rewritten, 1, "only machine b was evaluated again");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_plain_default_nix_repository_works_like_a_flake() {
    let dir = std::env::temp_dir().join(format!("strata-fleet-default-nix-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("default.nix"),
        "{ strata, ... }: {\n  nixosConfigurations.box = strata.lib.nixosSystem {\n    modules = [ { networking.hostName = \"box\"; strata.tags = [ \"plain\" ]; } ];\n  };\n}\n",
    )
    .expect("write");
    let repo = Repo::open(&dir).expect("open");
    let hosts = repo.hosts().expect("hosts");
    assert_eq!(hosts.len(), 1);
    assert_eq!((hosts[0].name.as_str(), hosts[0].tags.as_slice()), ("box", &["plain".to_string()][..]));
    let machine = repo.machine("box").expect("box");
    assert_eq!(machine.show(&path("networking.hostName")).expect("hostName"), Shown::String("box".into()));
    let rendered = machine.rendered().expect("rendered");
    assert_eq!(rendered["files"]["/etc/hostname"]["text"], "box\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failed_assertions_stop_rendering_and_warnings_are_listed() {
    let dir = std::env::temp_dir().join(format!("strata-fleet-assertions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("default.nix"),
        r#"{ strata, ... }: {
  nixosConfigurations.box = strata.lib.nixosSystem {
    modules = [ {
      assertions = [ { assertion = false; message = "box needs a disk"; } { assertion = true; message = "fine"; } ];
      warnings = [ "box is old" ];
    } ];
  };
}
"#,
    )
    .expect("write");
    let repo = Repo::open(&dir).expect("open");
    let machine = repo.machine("box").expect("box");
    assert_eq!(machine.failed_assertions().expect("assertions"), ["box needs a disk"]);
    assert!(machine.warnings().expect("warnings").contains(&"box is old".to_string()));
    let error = machine.rendered().err().expect("a failed assertion stops rendering");
    assert!(error.message().contains("Failed assertions:\n- box needs a disk"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn type_errors_name_the_definition_line_and_column() {
    let dir = std::env::temp_dir().join(format!("strata-fleet-type-error-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("m.nix"), "{\n  services.openssh.enable = \"yes\";\n}\n").expect("write");
    std::fs::write(
        dir.join("default.nix"),
        "{ strata, ... }: {\n  nixosConfigurations.box = strata.lib.nixosSystem { modules = [ ./m.nix ]; };\n}\n",
    )
    .expect("write");
    let repo = Repo::open(&dir).expect("open");
    let machine = repo.machine("box").expect("box");
    let error = machine.show(&path("services.openssh.enable")).err().expect("a type error");
    let expected = format!(
        "A definition for option `services.openssh.enable' is not of type `boolean'. Definition values:\n       - In `{}:2:3': \"yes\"",
        dir.join("m.nix").display()
    );
    assert!(error.message().contains(&expected), "{error}");

    std::fs::write(dir.join("m.nix"), "{\n  networking.hostname = \"box\";\n}\n").expect("write");
    let repo = Repo::open(&dir).expect("open");
    let machine = repo.machine("box").expect("box");
    let error = machine.show(&path("networking")).err().expect("an unknown option");
    let expected = format!(
        "The option `networking.hostname' does not exist. Definition values:\n       - In `{}:2:3': \"box\"",
        dir.join("m.nix").display()
    );
    assert!(error.message().contains(&expected), "{error}");
    assert!(error.message().contains("Did you mean `networking.hostName'"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}
