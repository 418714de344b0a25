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
