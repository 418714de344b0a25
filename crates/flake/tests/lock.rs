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
        "ref": "refs/heads/main",
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

/// A lock file as Nix writes it (other input types are kept as attributes):
/// nested nodes named `nixpkgs_2` in depth-first order, follows paths,
/// nodes without inputs.
const NIX_LOCK: &str = r#"{
  "nodes": {
    "a": {
      "inputs": {
        "nixpkgs": "nixpkgs",
        "utils": [
          "utils"
        ]
      },
      "locked": {
        "lastModified": 1690000000,
        "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "owner": "example",
        "repo": "a",
        "rev": "0123456789abcdef0123456789abcdef01234567",
        "type": "github"
      },
      "original": {
        "owner": "example",
        "repo": "a",
        "type": "github"
      }
    },
    "nixpkgs": {
      "locked": {
        "lastModified": 1680000000,
        "narHash": "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "89abcdef0123456789abcdef0123456789abcdef",
        "type": "github"
      },
      "original": {
        "id": "nixpkgs",
        "type": "indirect"
      }
    },
    "nixpkgs_2": {
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=",
        "owner": "NixOS",
        "ref": "nixos-unstable",
        "repo": "nixpkgs",
        "rev": "fedcba9876543210fedcba9876543210fedcba98",
        "type": "github"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-unstable",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "root": {
      "inputs": {
        "a": "a",
        "nixpkgs": "nixpkgs_2",
        "utils": "utils"
      }
    },
    "src": {
      "flake": false,
      "locked": {
        "lastModified": 1600000000,
        "narHash": "sha256-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD=",
        "type": "tarball",
        "url": "https://example.org/src.tar.gz"
      },
      "original": {
        "type": "tarball",
        "url": "https://example.org/src.tar.gz"
      }
    },
    "utils": {
      "inputs": {
        "src": "src"
      },
      "locked": {
        "lastModified": 1650000000,
        "narHash": "sha256-EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE=",
        "path": "/srv/utils",
        "type": "path"
      },
      "original": {
        "path": "/srv/utils",
        "type": "path"
      }
    }
  },
  "root": "root",
  "version": 7
}
"#;

#[test]
fn nix_lock_files_round_trip_byte_for_byte() {
    let lock = flake::LockFile::parse(NIX_LOCK).unwrap();
    assert_eq!(lock.to_json_string(), NIX_LOCK);
    let follows = lock.canonical_path(&["a".to_string(), "utils".to_string()]).unwrap();
    assert_eq!(follows, ["utils"]);
    let src = lock.node(&["a".into(), "utils".into(), "src".into()]).unwrap();
    assert!(!src.flake);
}

#[test]
fn broken_lock_files_are_rejected_clearly() {
    let cases = [
        ("{", "invalid JSON"),
        (r#"{"nodes": {"root": {}}, "root": "root", "version": 9}"#, "version 9 is not supported"),
        (
            r#"{"nodes": {"root": {"inputs": {"a": "a"}}}, "root": "root", "version": 7}"#,
            "node 'a' is referred to but missing",
        ),
        (r#"{"nodes": {"root": {"inputs": {"a": "root"}}}, "root": "root", "version": 7}"#, "is its own input"),
    ];
    for (text, expected) in cases {
        let message = flake::LockFile::parse(text).unwrap_err();
        assert!(message.contains(expected), "{text}: {message}");
    }
    let root = TempDir::new("badlock");
    root.write("sub/flake.nix", "{ outputs = _: { }; }");
    root.write("flake.nix", "{ inputs.sub.url = \"path:./sub\"; outputs = { self, sub }: { }; }");
    root.write("flake.lock", "{ \"version\": 7 }");
    let ev = evaluator();
    let cache = TempDir::new("badlock-cache");
    let error = load(&ev, root.path(), &cache).err().unwrap();
    assert!(matches!(error, Error::LockFile { .. }));
    assert!(error.to_string().contains("flake.lock: the lock file has no 'root' node name"), "{error}");
}

#[test]
fn update_reports_new_commits_and_lock_keeps_them_pinned() {
    let (root, repo, cache) = (TempDir::new("upd-root"), TempDir::new("upd-repo"), TempDir::new("upd-cache"));
    let first = flake_repo(repo.path(), "v1", 1_700_000_000);
    root.write(
        "flake.nix",
        &format!(
            "{{ inputs.dep.url = \"git+file://{}?ref=main\"; outputs = {{ self, dep }}: {{ v = dep.value; }}; }}",
            repo.path().display()
        ),
    );
    let ev = evaluator();
    lock(&ev, root.path(), LockMode::Missing, &cache);
    let second = flake_repo(repo.path(), "v2", 1_700_000_100);
    let third = flake_repo(repo.path(), "v3", 1_700_000_200);

    // `lock` keeps the pinned revision.
    let outcome = lock(&ev, root.path(), LockMode::Missing, &cache);
    assert!(outcome.changes.is_empty() && !outcome.written);
    let loaded = load(&ev, root.path(), &cache).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "v"), r#""v1""#);

    // `update` moves to the branch head and lists the commits in between.
    let outcome = lock(&ev, root.path(), LockMode::Update(vec![]), &cache);
    assert_eq!(outcome.changes.len(), 1);
    let change = &outcome.changes[0];
    assert_eq!(change.input, "dep");
    let ChangeKind::Updated { old, new, commits } = &change.kind else { panic!("{change:?}") };
    assert_eq!(commits, &["set value to v3", "set value to v2"]);
    let rev = |state: &InputState| match state {
        InputState::Locked(attrs) => attrs["rev"].to_string(),
        InputState::Follows(_) => panic!("follows"),
    };
    assert_eq!(rev(old), first);
    assert_eq!(rev(new), third);
    let report = change.to_string();
    assert!(report.starts_with("• Updated input 'dep':\n    'git+file://"), "{report}");
    assert!(report.contains(&format!("rev={first}' (2023-11-14)\n  → 'git+file://")), "{report}");
    assert!(report.ends_with("      · set value to v3\n      · set value to v2"), "{report}");
    assert_ne!(second, third);
    let ev = evaluator();
    let loaded = load(&ev, root.path(), &cache).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "v"), r#""v3""#);
}

#[test]
fn update_of_one_input_leaves_the_others() {
    let (root, a, b, cache) =
        (TempDir::new("one-root"), TempDir::new("one-a"), TempDir::new("one-b"), TempDir::new("one-cache"));
    flake_repo(a.path(), "a1", 1_700_000_000);
    let b1 = flake_repo(b.path(), "b1", 1_700_000_000);
    root.write(
        "flake.nix",
        &format!(
            "{{ inputs.a.url = \"git+file://{}\"; inputs.b.url = \"git+file://{}\";
               outputs = {{ self, a, b }}: {{ v = a.value + b.value; }}; }}",
            a.path().display(),
            b.path().display()
        ),
    );
    let ev = evaluator();
    lock(&ev, root.path(), LockMode::Missing, &cache);
    let a2 = flake_repo(a.path(), "a2", 1_700_000_100);
    flake_repo(b.path(), "b2", 1_700_000_100);
    let outcome = lock(&ev, root.path(), LockMode::Update(vec!["a".into()]), &cache);
    let inputs: Vec<_> = outcome.changes.iter().map(|c| c.input.as_str()).collect();
    assert_eq!(inputs, ["a"]);
    let node = |name: &str| outcome.lock.node(&[name.to_string()]).unwrap().locked.clone().unwrap();
    assert_eq!(node("a")["rev"].to_string(), a2);
    assert_eq!(node("b")["rev"].to_string(), b1);
    let ev = evaluator();
    let loaded = load(&ev, root.path(), &cache).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "v"), r#""a2b1""#);
}

#[test]
fn nar_hash_mismatch_is_an_error() {
    let (root, repo, cache) = (TempDir::new("nar-root"), TempDir::new("nar-repo"), TempDir::new("nar-cache"));
    flake_repo(repo.path(), "v1", 1_700_000_000);
    root.write(
        "flake.nix",
        &format!("{{ inputs.dep.url = \"git+file://{}\"; outputs = {{ self, dep }}: {{ }}; }}", repo.path().display()),
    );
    let ev = evaluator();
    let outcome = lock(&ev, root.path(), LockMode::Missing, &cache);
    let locked = outcome.lock.node(&["dep".to_string()]).unwrap().locked.clone().unwrap();
    let good = locked["narHash"].to_string();
    let bad = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let text = std::fs::read_to_string(root.join("flake.lock")).unwrap().replace(&good, bad);
    root.write("flake.lock", &text);
    for cache in [&cache, &TempDir::new("nar-cache-empty")] {
        let error = load(&ev, root.path(), cache).err().unwrap();
        assert!(matches!(error, Error::NarHashMismatch { .. }), "{error}");
        let message = error.to_string();
        assert!(message.contains("NAR hash mismatch in input 'dep'"), "{message}");
        assert!(message.contains(&format!("flake.lock records {bad}, but the content has {good}")), "{message}");
    }
}

#[test]
fn changed_relative_path_input_is_part_of_the_flake() {
    // As in current Nix: a relative path input is the flake's own source,
    // so editing it needs no update.
    let (root, cache) = (TempDir::new("path-root"), TempDir::new("path-cache"));
    root.write("sub/flake.nix", "{ outputs = _: { v = 1; }; }");
    root.write("flake.nix", "{ inputs.sub.url = \"path:./sub\"; outputs = { self, sub }: { v = sub.v; }; }");
    let ev = evaluator();
    lock(&ev, root.path(), LockMode::Missing, &cache);
    root.write("sub/flake.nix", "{ outputs = _: { v = 2; }; }");
    let ev = evaluator();
    assert_eq!(json_at(&ev, &load(&ev, root.path(), &cache).unwrap().outputs, "v"), "2");
}

#[test]
fn changed_absolute_path_input_must_be_updated() {
    let (root, cache, ext) = (TempDir::new("abs-root"), TempDir::new("abs-cache"), TempDir::new("abs-input"));
    ext.write("flake.nix", "{ outputs = _: { v = 1; }; }");
    let url = format!("path:{}", ext.path().display());
    root.write("flake.nix", &format!("{{ inputs.sub.url = \"{url}\"; outputs = {{ self, sub }}: {{ v = sub.v; }}; }}"));
    let ev = evaluator();
    lock(&ev, root.path(), LockMode::Missing, &cache);
    ext.write("flake.nix", "{ outputs = _: { v = 2; }; }");
    let ev = evaluator();
    let message = load(&ev, root.path(), &cache).err().unwrap().to_string();
    assert!(message.contains("input 'sub'"), "{message}");
    assert!(message.contains("changed since it was locked"), "{message}");
    assert!(message.contains("strata flake update sub"), "{message}");
    let outcome = lock(&ev, root.path(), LockMode::Update(vec!["sub".into()]), &cache);
    let ChangeKind::Updated { old, new, .. } = &outcome.changes[0].kind else { panic!() };
    let hash = |state: &InputState| match state {
        InputState::Locked(attrs) => attrs["narHash"].to_string(),
        InputState::Follows(_) => panic!("follows"),
    };
    assert_ne!(hash(old), hash(new));
    let ev = evaluator();
    assert_eq!(json_at(&ev, &load(&ev, root.path(), &cache).unwrap().outputs, "v"), "2");
}

#[test]
fn stale_lock_entries_ask_for_a_lock() {
    let (root, cache) = (TempDir::new("stale-root"), TempDir::new("stale-cache"));
    root.write("one/flake.nix", "{ outputs = _: { v = 1; }; }");
    root.write("two/flake.nix", "{ outputs = _: { v = 2; }; }");
    root.write("flake.nix", "{ inputs.sub.url = \"path:./one\"; outputs = { self, sub }: { v = sub.v; }; }");
    let ev = evaluator();
    lock(&ev, root.path(), LockMode::Missing, &cache);
    root.write("flake.nix", "{ inputs.sub.url = \"path:./two\"; outputs = { self, sub }: { v = sub.v; }; }");
    let ev = evaluator();
    let message = load(&ev, root.path(), &cache).err().unwrap().to_string();
    assert!(
        message.contains("input 'sub' changed in flake.nix (now 'path:./two', locked as 'path:./one')"),
        "{message}"
    );
    assert!(message.contains("run `strata flake lock`"), "{message}");
    // `lock` re-locks the changed input.
    let outcome = lock(&ev, root.path(), LockMode::Missing, &cache);
    assert_eq!(outcome.changes.len(), 1);
    let ev = evaluator();
    assert_eq!(json_at(&ev, &load(&ev, root.path(), &cache).unwrap().outputs, "v"), "2");

    // A new input is missing from the lock; a removed one is reported.
    root.write("flake.nix", "{ inputs.other.url = \"path:./one\"; outputs = { self, other }: { v = other.v; }; }");
    let ev = evaluator();
    let message = load(&ev, root.path(), &cache).err().unwrap().to_string();
    assert!(message.contains("input 'other' is not locked in flake.lock"), "{message}");
    let outcome = lock(&ev, root.path(), LockMode::Missing, &cache);
    let kinds: Vec<_> = outcome
        .changes
        .iter()
        .map(|c| (c.input.as_str(), matches!(c.kind, ChangeKind::Added(_)), matches!(c.kind, ChangeKind::Removed(_))))
        .collect();
    assert_eq!(kinds, [("other", true, false), ("sub", false, true)]);
    assert!(outcome.changes[1].to_string().starts_with("• Removed input 'sub' (was 'path:./two?"));
}

#[test]
fn transitive_inputs_relative_paths_and_nested_follows() {
    let (root, b, d, cache) =
        (TempDir::new("tr-root"), TempDir::new("tr-b"), TempDir::new("tr-d"), TempDir::new("tr-cache"));
    flake_repo(d.path(), "d-root", 1_700_000_000);
    let other_d = TempDir::new("tr-d-other");
    flake_repo(other_d.path(), "d-of-b", 1_700_000_000);
    // b (a git flake) has a relative path input c inside its own tree and a git input d.
    git_init(b.path());
    write(&b.path().join("c/flake.nix"), "{ outputs = _: { v = \"c\"; }; }\n");
    write(
        &b.path().join("flake.nix"),
        &format!(
            "{{ inputs.c.url = \"path:./c\"; inputs.d.url = \"git+file://{}\";
               outputs = {{ self, c, d }}: {{ v = c.v + \"+\" + d.value; }}; }}\n",
            other_d.path().display()
        ),
    );
    commit(b.path(), "b", 1_700_000_000);
    root.write(
        "flake.nix",
        &format!(
            "{{
  inputs.b.url = \"git+file://{}\";
  inputs.b.inputs.d.follows = \"d\";
  inputs.d.url = \"git+file://{}\";
  inputs.e.follows = \"b/c\";
  outputs = {{ self, b, d, e }}: {{ v = b.v; e = e.v; }};
}}",
            b.path().display(),
            d.path().display()
        ),
    );
    let ev = evaluator();
    let outcome = lock(&ev, root.path(), LockMode::Missing, &cache);
    let lock_file = &outcome.lock;
    let c = lock_file.node(&["b".into(), "c".into()]).unwrap();
    assert_eq!(c.parent.as_deref(), Some(&["b".to_string()][..]));
    assert_eq!(lock_file.canonical_path(&["b".into(), "d".into()]).unwrap(), ["d"]);
    assert_eq!(lock_file.canonical_path(&["e".into()]).unwrap(), ["b", "c"]);
    let loaded = load(&ev, root.path(), &cache).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json_at(&ev, &loaded.outputs, "v"), r#""c+d-root""#);
    assert_eq!(json_at(&ev, &loaded.outputs, "e"), r#""c""#);
    assert!(loaded.inputs.contains_key("b/c"));
    // b's own d was never fetched: the follows replaced it.
    assert!(!loaded.inputs.contains_key("b/d"));
}

#[test]
fn git_failures_are_clear() {
    let (root, repo, cache) =
        (TempDir::new("gitfail-root"), TempDir::new("gitfail-repo"), TempDir::new("gitfail-cache"));
    let notrepo = TempDir::new("gitfail-notrepo");
    let empty = TempDir::new("gitfail-empty");
    git_init(empty.path());
    flake_repo(repo.path(), "v1", 1_700_000_000);
    let cases = [
        (format!("git+file://{}/missing", repo.path().display()), "does not exist"),
        (format!("git+file://{}", notrepo.path().display()), "is not a git repository"),
        (
            format!("git+file://{}?rev=1111111111111111111111111111111111111111", repo.path().display()),
            "revision 1111111111111111111111111111111111111111 not found",
        ),
        (format!("git+file://{}?ref=nope", repo.path().display()), "ref 'nope' not found"),
        (format!("git+file://{}?rev=abc", repo.path().display()), "not a full commit hash"),
        ("git+https://example.org/repo".to_string(), "not a local repository"),
        (format!("git+file://{}", empty.path().display()), "has no commits"),
        (format!("git+file://{}?ref=--output=x", repo.path().display()), "is not a valid git ref"),
    ];
    for (url, expected) in cases {
        // Each evaluator reads flake.nix once (imports are cached).
        let ev = evaluator();
        root.write("flake.nix", &format!("{{ inputs.dep.url = \"{url}\"; outputs = {{ self, dep }}: {{ }}; }}"));
        let error = flake::lock(&ev, root.path(), &["strata"], &LockMode::Missing, &options(&cache)).err().unwrap();
        let message = error.to_string();
        assert!(message.contains(expected), "{url}: {message}");
        assert!(message.contains("'dep'"), "{url}: {message}");
    }
}

#[test]
fn a_flake_input_without_flake_nix_needs_flake_false() {
    let (root, cache) = (TempDir::new("noflake-root"), TempDir::new("noflake-cache"));
    root.write("data/file.txt", "hello");
    root.write("flake.nix", "{ inputs.data.url = \"path:./data\"; outputs = { self, data }: { }; }");
    let ev = evaluator();
    let error = flake::lock(&ev, root.path(), &["strata"], &LockMode::Missing, &options(&cache)).err().unwrap();
    assert!(error.to_string().contains("has no flake.nix; if it is plain source, declare it with `flake = false;`"));
    root.write(
        "flake.nix",
        "{ inputs.data = { url = \"path:./data\"; flake = false; };
           outputs = { self, data }: { text = builtins.readFile (data + \"/file.txt\"); keys = builtins.attrNames data; }; }",
    );
    let ev = evaluator();
    lock(&ev, root.path(), LockMode::Missing, &cache);
    let loaded = load(&ev, root.path(), &cache).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "text"), r#""hello""#);
    assert_eq!(json_at(&ev, &loaded.outputs, "keys"), r#"["lastModified","lastModifiedDate","narHash","outPath"]"#);
}

#[test]
fn root_self_has_git_information_when_clean() {
    let (root, cache) = (TempDir::new("selfgit"), TempDir::new("selfgit-cache"));
    git_init(root.path());
    root.write("flake.nix", "{ outputs = { self }: { r = self.rev or \"none\"; d = self.dirtyRev or \"clean\"; }; }");
    let rev = commit(root.path(), "init", 1_700_000_000);
    let ev = evaluator();
    let loaded = load(&ev, root.path(), &cache).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "r"), format!("\"{rev}\""));
    assert_eq!(json_at(&ev, &loaded.self_value, "lastModified"), "1700000000");
    root.write("flake.nix", "{ outputs = { self }: { r = self.rev or \"none\"; d = self.dirtyRev or \"clean\"; }; } ");
    let ev = evaluator();
    let loaded = load(&ev, root.path(), &cache).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "r"), r#""none""#);
    assert_eq!(json_at(&ev, &loaded.outputs, "d"), format!("\"{rev}-dirty\""));
}

#[test]
fn follows_of_a_missing_input_is_an_error() {
    let (root, cache) = (TempDir::new("follows-missing"), TempDir::new("follows-missing-cache"));
    root.write("sub/flake.nix", "{ inputs.x.url = \"path:./x\"; outputs = { self, x }: { }; }");
    root.write("sub/x/flake.nix", "{ outputs = _: { }; }");
    root.write(
        "flake.nix",
        "{ inputs.sub.url = \"path:./sub\"; inputs.sub.inputs.x.follows = \"nothere\";
           inputs.sub.inputs.strata.follows = \"strata\";
           outputs = { self, sub }: { }; }",
    );
    let ev = evaluator();
    let error = flake::lock(&ev, root.path(), &["strata"], &LockMode::Missing, &options(&cache)).err().unwrap();
    let message = error.to_string();
    assert!(message.contains("input 'sub/x' follows a non-existent input 'nothere'"), "{message}");
    assert!(!root.join("flake.lock").exists());
}

#[test]
fn follows_declared_inside_an_input_are_relative_to_it() {
    let (root, cache) = (TempDir::new("inner-follows"), TempDir::new("inner-follows-cache"));
    root.write("sub/y/flake.nix", "{ outputs = _: { v = \"y\"; }; }");
    root.write(
        "sub/flake.nix",
        "{ inputs.y.url = \"path:./y\"; inputs.x.follows = \"y\"; outputs = { self, x, y }: { v = x.v; }; }",
    );
    root.write(
        "flake.nix",
        "{ inputs.sub.url = \"path:./sub\"; inputs.alias.follows = \"sub\";
           outputs = { self, sub, alias }: { v = sub.v; same = alias.v; }; }",
    );
    let ev = evaluator();
    let outcome = lock(&ev, root.path(), LockMode::Missing, &cache);
    assert_eq!(outcome.lock.canonical_path(&["sub".into(), "x".into()]).unwrap(), ["sub", "y"]);
    assert_eq!(outcome.lock.canonical_path(&["alias".into()]).unwrap(), ["sub"]);
    let text = std::fs::read_to_string(root.join("flake.lock")).unwrap();
    assert!(text.contains("\"x\": [\n          \"sub\",\n          \"y\"\n        ]"), "{text}");
    assert!(text.contains("\"parent\": [\n        \"sub\"\n      ]"), "{text}");
    let loaded = load(&ev, root.path(), &cache).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "v"), r#""y""#);
    assert_eq!(json_at(&ev, &loaded.outputs, "same"), r#""y""#);
}

#[test]
fn a_locked_revision_must_be_a_commit_hash() {
    let (root, repo, cache) = (TempDir::new("badrev-root"), TempDir::new("badrev-repo"), TempDir::new("badrev-cache"));
    let rev = flake_repo(repo.path(), "v1", 1_700_000_000);
    root.write(
        "flake.nix",
        &format!("{{ inputs.dep.url = \"git+file://{}\"; outputs = {{ self, dep }}: {{ }}; }}", repo.path().display()),
    );
    let ev = evaluator();
    lock(&ev, root.path(), LockMode::Missing, &cache);
    let text = std::fs::read_to_string(root.join("flake.lock")).unwrap().replace(&rev, "../../escape");
    root.write("flake.lock", &text);
    let message = load(&ev, root.path(), &cache).err().unwrap().to_string();
    assert!(message.contains("has the revision '../../escape' in flake.lock, which is not a commit hash"), "{message}");
}

#[test]
fn nested_inputs_can_be_updated_alone_and_pinned_by_the_inputs_own_lock() {
    let (root, b, c, cache) =
        (TempDir::new("nest-root"), TempDir::new("nest-b"), TempDir::new("nest-c"), TempDir::new("nest-cache"));
    let c1 = flake_repo(c.path(), "c1", 1_700_000_000);
    git_init(b.path());
    write(
        &b.path().join("flake.nix"),
        &format!(
            "{{ inputs.c.url = \"git+file://{}\"; outputs = {{ self, c }}: {{ value = c.value; }}; }}\n",
            c.path().display()
        ),
    );
    // b's own lock pins c at c1.
    let ev = evaluator();
    lock(&ev, b.path(), LockMode::Missing, &cache);
    commit(b.path(), "b with lock", 1_700_000_000);
    let c2 = flake_repo(c.path(), "c2", 1_700_000_100);
    root.write(
        "flake.nix",
        &format!(
            "{{ inputs.b.url = \"git+file://{}\"; outputs = {{ self, b }}: {{ v = b.value; }}; }}",
            b.path().display()
        ),
    );
    let ev = evaluator();
    let outcome = lock(&ev, root.path(), LockMode::Missing, &cache);
    let rev_of = |lock: &flake::LockFile, path: &[&str]| {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        lock.node(&path).unwrap().locked.as_ref().unwrap()["rev"].to_string()
    };
    assert_eq!(rev_of(&outcome.lock, &["b", "c"]), c1, "b's own flake.lock pins c");
    let outcome = lock(&ev, root.path(), LockMode::Update(vec!["b/c".into()]), &cache);
    assert_eq!(rev_of(&outcome.lock, &["b", "c"]), c2);
    let inputs: Vec<_> = outcome.changes.iter().map(|c| c.input.as_str()).collect();
    assert_eq!(inputs, ["b/c"]);
    let ChangeKind::Updated { commits, .. } = &outcome.changes[0].kind else { panic!() };
    assert_eq!(commits, &["set value to c2"]);
    let ev = evaluator();
    assert_eq!(json_at(&ev, &load(&ev, root.path(), &cache).unwrap().outputs, "v"), r#""c2""#);
}
