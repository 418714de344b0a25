//! `strata hosts`, `show` and `options` on the fleet crate's fixture
//! repository (`crates/fleet/tests/fixtures/basic`), as a user runs them:
//! output for people, JSON for programs, errors and the evaluation cache.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fleet/tests/fixtures/basic")
}

/// Runs strata with a cache directory of the test's own.
fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg("-C")
        .arg(fixture())
        .env("XDG_CACHE_HOME", cache)
        .output()
        .expect("strata runs")
}

fn cache_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-fleet-commands-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn hosts_prints_a_table_and_json_and_answers_from_the_cache_the_second_time() {
    let cache = cache_dir("hosts");
    let table = stdout(&run(&cache, &["hosts"]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("NAME") && lines[0].contains("SYSTEM") && lines[0].contains("TAGS"), "{table}");
    assert!(lines[1].starts_with("db ") && lines[1].contains("aarch64-linux"), "{table}");
    assert!(lines[2].starts_with("web1 ") && lines[2].ends_with("web,edge"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(&cache, &["hosts", "--json"]))).expect("JSON");
    let names: Vec<&str> = json.as_array().expect("an array").iter().filter_map(|h| h["name"].as_str()).collect();
    assert_eq!(names, ["db", "web1"]);
    assert_eq!(json[1]["tags"], serde_json::json!(["web", "edge"]));
    assert!(json[0]["options"].as_u64().expect("a count") > 10);
    // The second run is answered from the cache, with the same output.
    assert_eq!(stdout(&run(&cache, &["hosts"])), table);
    assert!(cache.join("strata/eval").read_dir().expect("cache written").count() >= 3);
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn show_prints_values_in_nix_syntax_and_json() {
    let cache = cache_dir("show");
    assert_eq!(stdout(&run(&cache, &["show", "web1", "site.port"])), "8080\n");
    let site = stdout(&run(&cache, &["show", "web1", "site"]));
    assert!(site.contains("motd = \"run /usr/bin/jellyfin\";"), "{site}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&cache, &["show", "web1", "users.users.alice", "--json"]))).expect("JSON");
    assert_eq!(json["extraGroups"], serde_json::json!(["wheel"]));
    assert_eq!(json["isNormalUser"], serde_json::json!(true));
    let whole: serde_json::Value =
        serde_json::from_str(&stdout(&run(&cache, &["show", "db", "--json"]))).expect("JSON");
    assert_eq!(whole["site"]["port"], serde_json::json!(5432));
    assert!(whole.get("_module").is_none());
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn show_explain_is_a_blame_for_one_option() {
    let cache = cache_dir("explain");
    let text = stdout(&run(&cache, &["show", "web1", "site.enable", "--explain"]));
    assert!(text.starts_with("site.enable\n"), "{text}");
    assert!(text.contains("machines/web1.nix:13:5"), "{text}");
    assert!(text.contains("off") && text.contains("(mkIf condition is false)"), "{text}");
    assert!(text.contains("default:  false  (used)"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(
        &cache,
        &["show", "web1", "users.users.alice.description", "--explain", "--json"],
    )))
    .expect("JSON");
    assert_eq!(json["option"], "users.users");
    let forced = json["definitions"]
        .as_array()
        .expect("definitions")
        .iter()
        .find(|d| d["file"].as_str().is_some_and(|f| f.ends_with("web1.nix")))
        .expect("the machine's definition");
    assert_eq!(forced["priority"], 50);
    assert_eq!(forced["value"], "\"Alice\"");
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn options_search_by_words_with_host_values_json_and_markdown() {
    let cache = cache_dir("options");
    let text = stdout(&run(&cache, &["options", "message", "day", "--host", "web1"]));
    assert!(text.starts_with("site.motd\n"), "{text}");
    assert!(text.contains("  declared in: modules/site.nix:3:3"), "{text}");
    assert!(text.contains("  value:       \"run /usr/bin/jellyfin\""), "{text}");
    assert!(text.ends_with("1 option found\n"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&cache, &["options", "openssh", "--json"]))).expect("JSON");
    let found = json.as_array().expect("an array");
    assert!(found.iter().any(|o| o["name"] == "services.openssh.enable" && o["own"] == false), "{json}");
    let markdown = stdout(&run(&cache, &["options", "--markdown"]));
    assert!(markdown.starts_with("# Options\n"), "{markdown}");
    assert!(markdown.contains("## `site.motd`\n\nMessage of the day.\n"), "{markdown}");
    assert!(!markdown.contains("services.openssh"), "only the repository's own options: {markdown}");
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn mistakes_get_a_clear_error_and_exit_code_1() {
    let cache = cache_dir("errors");
    for (args, expected) in [
        (&["show", "wbe1"][..], "no machine 'wbe1'"),
        (&["show", "web1", "site.prot"][..], "did you mean site.port?"),
        (&["show", "web1", "nope.x", "--explain"][..], "The option `nope' does not exist."),
        (&["options", "--host", "nobody"][..], "no machine 'nobody'"),
    ] {
        let output = run(&cache, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["hosts", "-C", "/nonexistent/fleet"])
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .expect("strata runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot open the repository '/nonexistent/fleet'"));
    let _ = std::fs::remove_dir_all(&cache);
}
