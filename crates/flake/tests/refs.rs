//! Flake references: URL parsing, checks, their textual form and dates.

use flake::fetch::{describe, format_date, format_day};
use flake::spec::{check_reference, parse_url};
use flake::{Attr, FetchAttrs};

fn attrs(pairs: &[(&str, &str)]) -> FetchAttrs {
    pairs.iter().map(|(k, v)| (k.to_string(), Attr::String(v.to_string()))).collect()
}

fn check(url: &str, expected: &[(&str, &str)]) {
    let parsed = parse_url(url).and_then(check_reference).unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(parsed, attrs(expected), "{url}");
}

fn fails(url: &str, message: &str) {
    let error = parse_url(url).and_then(check_reference).unwrap_err();
    assert!(error.contains(message), "{url}: {error}");
}

#[test]
fn urls_become_reference_attributes() {
    check("path:./sub", &[("type", "path"), ("path", "./sub")]);
    check("path:/abs/dir", &[("type", "path"), ("path", "/abs/dir")]);
    check("./sub", &[("type", "path"), ("path", "./sub")]);
    check("../shared", &[("type", "path"), ("path", "../shared")]);
    check("path:./with%20space", &[("type", "path"), ("path", "./with space")]);
    check("git+file:///srv/repo", &[("type", "git"), ("url", "file:///srv/repo")]);
    check(
        "git+file:///srv/repo?ref=main&rev=0123456789abcdef0123456789abcdef01234567",
        &[
            ("type", "git"),
            ("url", "file:///srv/repo"),
            ("ref", "main"),
            ("rev", "0123456789abcdef0123456789abcdef01234567"),
        ],
    );
}

#[test]
fn unsupported_references_say_what_is_supported() {
    fails("github:NixOS/nixpkgs", "input type 'github'");
    fails("nixpkgs", "indirect reference");
    fails("git+https://example.org/x", "not a local repository");
    fails("git+file:///srv/repo?dir=sub", "attribute 'dir' is not supported for `git` inputs");
    fails("git+file:///srv/repo?rev=main", "not a full commit hash");
    fails("path:./x?ref=main", "attribute 'ref' is not supported for `path` inputs");
    fails("git+file:///srv/repo?submodules=1", "submodules are not supported");
    let tarball = attrs(&[("type", "tarball"), ("url", "https://example.org/x.tar.gz")]);
    assert!(check_reference(tarball).unwrap_err().contains("input type 'tarball' is not supported"));
    // The attribute-set form accepts a plain absolute path as a git URL.
    let git = check_reference(attrs(&[("type", "git"), ("url", "/srv/repo")])).unwrap();
    assert_eq!(git["url"], Attr::String("file:///srv/repo".into()));
}

#[test]
fn references_are_shown_as_nix_shows_them() {
    let mut locked = attrs(&[
        ("type", "git"),
        ("url", "file:///srv/repo"),
        ("ref", "main"),
        ("rev", "0123456789abcdef0123456789abcdef01234567"),
        ("narHash", "sha256-AAAA"),
    ]);
    locked.insert("revCount".into(), Attr::Int(3));
    locked.insert("lastModified".into(), Attr::Int(1_700_000_000));
    assert_eq!(describe(&locked), "git+file:///srv/repo?ref=main&rev=0123456789abcdef0123456789abcdef01234567");
    assert_eq!(describe(&attrs(&[("type", "path"), ("path", "./sub")])), "path:./sub");
    let mut path = attrs(&[("type", "path"), ("path", "./sub"), ("narHash", "sha256-BBBB")]);
    path.insert("lastModified".into(), Attr::Int(1));
    assert_eq!(describe(&path), "path:./sub?lastModified=1&narHash=sha256-BBBB");
}

#[test]
fn dates_are_utc() {
    assert_eq!(format_date(0), "19700101000000");
    assert_eq!(format_date(1_700_000_000), "20231114221320");
    assert_eq!(format_date(951_782_400), "20000229000000");
    assert_eq!(format_date(4_102_444_799), "20991231235959");
    assert_eq!(format_day(1_709_164_800), "2024-02-29");
}
