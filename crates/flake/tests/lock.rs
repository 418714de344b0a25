//! Locking and loading flakes with `path` and local `git` inputs:
//! flake.lock's exact format, follows, `flake = false`, updates and their
//! reports, and verification of what was locked.

mod common;

use common::*;
use flake::{ChangeKind, Error, InputState, LockMode};

/// The root flake of the format test: a relative path input whose own
/// `dep` input is overridden to follow the root's, a git flake input and a
/// git source input.
fn format_fixture(root: &TempDir, repo: &std::path::Path) {
    root.write(
        "flake.nix",
        &format!(
            r#"{{
  description = "format fixture";
  inputs = {{
    sub.url = "path:./sub";
    sub.inputs.dep.follows = "dep";
    dep.url = "git+file://{repo}?ref=main";
    data = {{ type = "git"; url = "file://{repo}"; flake = false; }};
    strata.url = "github:example/strata";
  }};
  outputs = {{ self, sub, dep, data, strata }}: {{
    fromSub = sub.fromDep;
    fromDep = dep.value;
    readme = builtins.readFile "${{data}}/README";
    dataRev = data.shortRev;
    dataIsFlake = data ? _type;
    strataAnswer = strata.lib.answer;
  }};
}}
"#,
            repo = repo.display()
        ),
    );
    root.write(
        "sub/flake.nix",
        r#"{
  inputs.dep.url = "git+file:///does/not/exist";
  outputs = { self, dep }: { fromDep = "sub sees ${dep.value}"; };
}
"#,
    );
    set_mtime_tree(&root.join("sub"), 1_600_000_000);
}

const EXPECTED_LOCK: &str = r#"{
  "nodes": {
    "data": {
      "flake": false,
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-@DEPHASH@",
        "rev": "@REV@",
        "revCount": 1,
        "type": "git",
        "url": "file://@REPO@"
      },
      "original": {
        "type": "git",
        "url": "file://@REPO@"
      }
    },
    "dep": {
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-@DEPHASH@",
        "ref": "main",
        "rev": "@REV@",
        "revCount": 1,
        "type": "git",
        "url": "file://@REPO@"
      },
      "original": {
        "ref": "main",
        "type": "git",
        "url": "file://@REPO@"
      }
    },
    "root": {
      "inputs": {
        "data": "data",
        "dep": "dep",
        "sub": "sub"
      }
    },
    "sub": {
      "inputs": {
        "dep": [
          "dep"
        ]
      },
      "locked": {
        "lastModified": 1600000000,
        "narHash": "sha256-@SUBHASH@",
        "path": "./sub",
        "type": "path"
      },
      "original": {
        "path": "./sub",
        "type": "path"
      },
      "parent": []
    }
  },
  "root": "root",
  "version": 7
}
"#;

/// The NAR hashes of the fixture trees, computed once with
/// `nix-hash --type sha256 --sri` (Nix 2.8).
const DEP_HASH: &str = "lZj7n2qoSp/fGGiJoEQODkPJR0FBiqv81XRQ/TN3l2I=";
const SUB_HASH: &str = "S00aLWH+JwnYDSoDO2qk/5CiywHcE2MoOtJQKRfB02k=";
/// The commit `dep_repo` makes (fixed identity and dates make it stable).
const DEP_REV: &str = "776c91e75fb3e8434148d3b086320c1e8c4af05f";

fn dep_repo(dir: &std::path::Path) -> String {
    git_init(dir);
    write(&dir.join("flake.nix"), "{ outputs = { self }: { value = \"dep-1\"; }; }\n");
    write(&dir.join("README"), "the dependency\n");
    commit(dir, "first", 1_700_000_000)
}

#[test]
fn lock_file_is_written_as_nix_writes_it() {
    let (root, repo, cache) = (TempDir::new("fmt-root"), TempDir::new("fmt-repo"), TempDir::new("fmt-cache"));
    let rev = dep_repo(repo.path());
    assert_eq!(rev, DEP_REV);
    format_fixture(&root, repo.path());
    let ev = evaluator();
    let outcome = lock(&ev, root.path(), LockMode::Missing, &cache);
    assert!(outcome.written);
    let text = std::fs::read_to_string(root.join("flake.lock")).unwrap();
    let expected = EXPECTED_LOCK
        .replace("@REPO@", &repo.path().display().to_string())
        .replace("@REV@", &rev)
        .replace("@DEPHASH@", DEP_HASH)
        .replace("@SUBHASH@", SUB_HASH);
    assert_eq!(text, expected);
    // Reading and writing again gives the same bytes.
    assert_eq!(flake::LockFile::parse(&text).unwrap().to_json_string(), text);
    // The report lists every entry as added.
    let added: Vec<_> = outcome.changes.iter().map(|c| c.input.as_str()).collect();
    assert_eq!(added, ["data", "dep", "sub", "sub/dep"]);
    assert!(matches!(&outcome.changes[3].kind, ChangeKind::Added(InputState::Follows(path)) if path == &["dep"]));
}

#[test]
fn locked_flake_loads_with_follows_and_source_inputs() {
    let (root, repo, cache) = (TempDir::new("load-root"), TempDir::new("load-repo"), TempDir::new("load-cache"));
    let rev = dep_repo(repo.path());
    format_fixture(&root, repo.path());
    let ev = evaluator();
    lock(&ev, root.path(), LockMode::Missing, &cache);
    let loaded = load(&ev, root.path(), &cache).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json_at(&ev, &loaded.outputs, "fromSub"), r#""sub sees dep-1""#);
    assert_eq!(json_at(&ev, &loaded.outputs, "fromDep"), r#""dep-1""#);
    assert_eq!(json_at(&ev, &loaded.outputs, "readme"), r#""the dependency\n""#);
    assert_eq!(json_at(&ev, &loaded.outputs, "dataRev"), format!("\"{}\"", &rev[..7]));
    assert_eq!(json_at(&ev, &loaded.outputs, "dataIsFlake"), "false");
    assert_eq!(json_at(&ev, &loaded.outputs, "strataAnswer"), "42");
    // The git input is checked out into the cache, without `.git`.
    let checkout = cache.join(&format!("git/{rev}"));
    assert!(checkout.join("flake.nix").is_file());
    assert!(!checkout.join(".git").exists());
    // `self.inputs` and the input's own attributes.
    assert_eq!(json_at(&ev, &loaded.self_value, "inputs.dep._type"), r#""flake""#);
    assert_eq!(json_at(&ev, &loaded.self_value, "inputs.dep.rev"), format!("\"{rev}\""));
    assert_eq!(json_at(&ev, &loaded.self_value, "inputs.dep.revCount"), "1");
    assert_eq!(json_at(&ev, &loaded.self_value, "inputs.dep.lastModifiedDate"), r#""20231114221320""#);
    assert_eq!(json_at(&ev, &loaded.self_value, "inputs.sub.outPath"), format!("\"{}\"", root.join("sub").display()));
}
