//! The examples the README points at keep evaluating to what they show.

use std::path::Path;
use std::process::Command;

fn eval(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["eval", "--strict"])
        .arg(root.join(path))
        .output()
        .expect("strata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let root = root.canonicalize().expect("root exists");
    String::from_utf8_lossy(&output.stdout).replace(&root.display().to_string(), "ROOT")
}

#[test]
fn language_tour() {
    assert_eq!(
        eval("examples/lang/tour.nix"),
        "{ enabledUnits = [ \"jellyfin.service\" \"grafana.service\" ]; paths = { backups = \"/srv/backups\"; \
         media = \"/srv/media\"; root = \"/srv\"; }; ports = { grafana = 3000; jellyfin = 8096; }; \
         sorted = [ 1 3 5 9 ]; summary = \"backups, media, root\"; totalPorts = 11096; }\n"
    );
}

#[test]
fn module_system_example() {
    assert_eq!(
        eval("examples/modules"),
        "{ homelab = { media = { enable = true; port = 8096; }; paths = { media = \"/mnt/tank/media\"; }; \
         services = { backup = { description = \"backup\"; ports = [ 9000 ]; }; jellyfin = { description = \
         \"Jellyfin serving /mnt/tank/media\"; ports = [ 8096 ]; }; }; }; mediaPathDefinedIn = \
         [ \"ROOT/examples/modules/machine.nix\" ]; mediaPathPriority = 50; }\n"
    );
}

/// The README's first command (after `cargo build`) switches an example
/// machine into a demo directory and prints the plan; run it as written,
/// with the demo directory moved to a temporary one.
#[test]
fn readme_first_command_switches_an_example_into_a_demo_directory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let block = readme.split("```sh\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a sh block");
    let command = block.lines().find(|l| !l.starts_with('#') && !l.is_empty()).expect("a first command");
    let strata_part = command.split("&& ").nth(1).expect("build && run");
    let mut words: Vec<String> = strata_part.split_whitespace().map(str::to_string).collect();
    assert_eq!(words[0], "./target/release/strata", "{command}");
    let demo = std::env::temp_dir().join(format!("strata-readme-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&demo);
    let root_flag = words.iter().position(|w| w == "--root").expect("the command names a --root");
    words[root_flag + 1] = demo.display().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(&words[1..])
        .current_dir(&root)
        .env("XDG_CACHE_HOME", demo.join("cache"))
        .output()
        .expect("strata runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{command}\n{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.starts_with("Plan for "), "the plan comes first: {stdout}");
    assert!(demo.join("var/lib/strata/generations/1").is_dir(), "generation 1 is recorded");
    assert!(demo.join("etc/hostname").is_file(), "files are written into the demo directory");
    let _ = std::fs::remove_dir_all(&demo);
}
