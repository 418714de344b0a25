//! Store paths: how Nix derives `/nix/store/<hash>-<name>` from a type, a
//! hash and a name, and which names it accepts.

use std::collections::BTreeSet;
use std::fmt;

use crate::base32;
use crate::hash::{compress_hash, Hash, HashAlgo};

/// Number of characters in the hash part of a store path.
pub const HASH_PART_LEN: usize = 32;

/// Longest name Nix accepts in a store path.
pub const MAX_NAME_LEN: usize = 211;

/// The store directory, `/nix/store` unless configured otherwise.
///
/// It takes part in every store path hash, so a different directory gives
/// different hashes, not just a different prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoreDir(String);

impl StoreDir {
    /// A store directory at `path`, taken as given (no trailing slash expected).
    pub fn new(path: impl Into<String>) -> StoreDir {
        StoreDir(path.into())
    }

    /// The directory as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Splits `path` into the hash part and name of a store path directly
    /// inside this directory (Nix's `parseStorePath`, without canonicalisation).
    pub fn parse_store_path<'p>(&self, path: &'p str) -> Result<(&'p str, &'p str), StorePathError> {
        let base = path
            .strip_prefix(self.0.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|base| !base.is_empty() && !base.contains('/'))
            .ok_or_else(|| StorePathError::NotInStore(path.to_owned()))?;
        if base.len() < HASH_PART_LEN + 1 || !base.is_char_boundary(HASH_PART_LEN) {
            return Err(StorePathError::TooShort(base.to_owned()));
        }
        let (hash_part, rest) = base.split_at(HASH_PART_LEN);
        if let Some(bad) = hash_part.chars().find(|c| !base32::ALPHABET.contains(&(*c as u8)) || !c.is_ascii()) {
            return Err(StorePathError::IllegalHashChar { path: base.to_owned(), found: bad });
        }
        // Nix skips the separator without checking it.
        let name = rest.get(1..).unwrap_or("");
        validate_store_path_name(name).map_err(|kind| StorePathError::InvalidName { path: base.to_owned(), kind })?;
        Ok((hash_part, name))
    }
}

impl Default for StoreDir {
    fn default() -> StoreDir {
        StoreDir("/nix/store".to_owned())
    }
}

impl fmt::Display for StoreDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a fixed-output path's content is hashed: the file itself, or the NAR
/// serialization of a file tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileIngestionMethod {
    Flat,
    Recursive,
}

impl FileIngestionMethod {
    /// Parses a derivation's `outputHashMode`: `"flat"` or `"recursive"`.
    pub fn parse_output_hash_mode(mode: &str) -> Option<FileIngestionMethod> {
        match mode {
            "flat" => Some(FileIngestionMethod::Flat),
            "recursive" => Some(FileIngestionMethod::Recursive),
            _ => None,
        }
    }

    /// `"r:"` for recursive, `""` for flat: the prefix Nix puts before an
    /// algorithm name in `.drv` files and fixed-output hashes.
    pub fn prefix(self) -> &'static str {
        match self {
            FileIngestionMethod::Flat => "",
            FileIngestionMethod::Recursive => "r:",
        }
    }
}

/// Why a store path name is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("has an empty name")]
    Empty,
    #[error("has a name longer than 211 characters")]
    TooLong,
    #[error("contains illegal character '{0}'")]
    IllegalChar(char),
}

/// Why a store path could not be made or parsed. Messages match Nix 2.8's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorePathError {
    /// `path` is the base name `<hash>-<name>`, as Nix reports it.
    #[error("store path '{path}' {kind}")]
    InvalidName { path: String, kind: NameError },
    #[error("path '{0}' is not in the Nix store")]
    NotInStore(String),
    #[error("'{0}' is too short to be a valid store path")]
    TooShort(String),
    #[error("store path '{path}' contains illegal base-32 character '{found}'")]
    IllegalHashChar { path: String, found: char },
    /// Nix only supports references for recursive SHA-256 fixed-output paths.
    #[error("fixed-output store path '{0}' can only have references if it is recursive and uses sha256")]
    ReferencesNotAllowed(String),
    #[error("text store path '{0}' must be hashed with sha256")]
    TextNotSha256(String),
}

/// Checks a store path name against Nix 2.8's rules: 1 to 211 bytes of
/// ASCII letters, digits and `+-._?=`.
///
/// Nix 2.8 accepts a leading `.` (`builtins.toFile ".a" ""` works), so this
/// does too; later Nix versions reject names `.`, `..` and `.-`/`..-` prefixes.
pub fn validate_store_path_name(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.len() > MAX_NAME_LEN {
        return Err(NameError::TooLong);
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+-._?=".contains(c);
    match name.chars().find(|&c| !allowed(c)) {
        Some(bad) => Err(NameError::IllegalChar(bad)),
        None => Ok(()),
    }
}

/// `/nix/store/<nix32 of the folded sha256 of "type:algo:base16:storedir:name">-<name>`
/// (Nix's `makeStorePath`); fails if `name` is not a valid store path name.
pub fn make_store_path(
    store_dir: &StoreDir,
    path_type: &str,
    hash: &Hash,
    name: &str,
) -> Result<String, StorePathError> {
    let fingerprint = format!("{path_type}:{}:{}:{}:{name}", hash.algo(), hash.to_base16(), store_dir.as_str());
    let digest = Hash::compute(HashAlgo::Sha256, fingerprint.as_bytes());
    let hash_part = base32::encode(&compress_hash(digest.bytes(), 20));
    validate_store_path_name(name)
        .map_err(|kind| StorePathError::InvalidName { path: format!("{hash_part}-{name}"), kind })?;
    Ok(format!("{}/{hash_part}-{name}", store_dir.as_str()))
}

/// The path type with its references appended, `"text:/nix/store/a:/nix/store/b"`
/// (Nix's `makeType`). References are full store paths, in sorted order.
pub fn make_type(kind: &str, references: &BTreeSet<String>, self_reference: bool) -> String {
    let mut out = kind.to_owned();
    for reference in references {
        out.push(':');
        out.push_str(reference);
    }
    if self_reference {
        out.push_str(":self");
    }
    out
}

/// The path of a text file with content `content` and the given references
/// (full store paths): what `builtins.toFile` and `.drv` files get.
pub fn make_text_path(
    store_dir: &StoreDir,
    name: &str,
    content: &[u8],
    references: &BTreeSet<String>,
) -> Result<String, StorePathError> {
    make_text_path_from_hash(store_dir, name, &Hash::compute(HashAlgo::Sha256, content), references)
}

/// Like [`make_text_path`] when the content's SHA-256 is already known.
pub fn make_text_path_from_hash(
    store_dir: &StoreDir,
    name: &str,
    content_hash: &Hash,
    references: &BTreeSet<String>,
) -> Result<String, StorePathError> {
    if content_hash.algo() != HashAlgo::Sha256 {
        return Err(StorePathError::TextNotSha256(name.to_owned()));
    }
    make_store_path(store_dir, &make_type("text", references, false), content_hash, name)
}

/// The path of fixed-output content (Nix's `makeFixedOutputPath`).
///
/// Recursive SHA-256 uses the `source` type directly (the common case of
/// `"${./dir}"` and `builtins.path`); everything else hashes
/// `fixed:out:<r:?><algo>:<base16>:` first and uses type `output:out`, and
/// then may not have references.
pub fn make_fixed_output_path(
    store_dir: &StoreDir,
    method: FileIngestionMethod,
    hash: &Hash,
    name: &str,
    references: &BTreeSet<String>,
) -> Result<String, StorePathError> {
    if hash.algo() == HashAlgo::Sha256 && method == FileIngestionMethod::Recursive {
        return make_store_path(store_dir, &make_type("source", references, false), hash, name);
    }
    if !references.is_empty() {
        return Err(StorePathError::ReferencesNotAllowed(name.to_owned()));
    }
    let inner = format!("fixed:out:{}{}:{}:", method.prefix(), hash.algo(), hash.to_base16());
    make_store_path(store_dir, "output:out", &Hash::compute(HashAlgo::Sha256, inner.as_bytes()), name)
}

/// The store path of a local file or directory whose NAR serialization has
/// SHA-256 `nar_hash`, as `"${./dir}"`, `builtins.path` and
/// `builtins.filterSource` produce it.
pub fn store_path_for_local_path(store_dir: &StoreDir, name: &str, nar_hash: &Hash) -> Result<String, StorePathError> {
    make_fixed_output_path(store_dir, FileIngestionMethod::Recursive, nar_hash, name, &BTreeSet::new())
}

/// The name of a derivation output's path: `drv_name` for `out`, else
/// `drv_name-output`.
pub fn output_path_name(drv_name: &str, output_name: &str) -> String {
    if output_name == "out" {
        drv_name.to_owned()
    } else {
        format!("{drv_name}-{output_name}")
    }
}

/// An input-addressed output path (Nix's `makeOutputPath`), from the
/// derivation's modulo hash.
pub fn make_output_path(
    store_dir: &StoreDir,
    output_name: &str,
    hash_modulo: &Hash,
    drv_name: &str,
) -> Result<String, StorePathError> {
    make_store_path(store_dir, &format!("output:{output_name}"), hash_modulo, &output_path_name(drv_name, output_name))
}

/// `builtins.placeholder output`: `/` followed by the nix32 SHA-256 of
/// `nix-output:<output>`.
pub fn hash_placeholder(output_name: &str) -> String {
    let hash = Hash::compute(HashAlgo::Sha256, format!("nix-output:{output_name}").as_bytes());
    format!("/{}", hash.to_nix32())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn to_file_paths_match_nix() {
        let store = StoreDir::default();
        // builtins.toFile "hello.txt" "hello world\n"
        assert_eq!(
            make_text_path(&store, "hello.txt", b"hello world\n", &refs(&[])).as_deref(),
            Ok("/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z-hello.txt")
        );
        assert_eq!(
            make_text_path(&store, "b", b"b", &refs(&[])).as_deref(),
            Ok("/nix/store/pxvcv8a2q21xkd9l7zrzb2xlqzah47md-b")
        );
        assert_eq!(
            make_text_path(&store, ".a", b"x", &refs(&[])).as_deref(),
            Ok("/nix/store/asd5znqvqny47n2kaa06zr46k6b2hx9h-.a")
        );
        // builtins.toFile "withref" "ref: ${toFile "hello.txt" ...} ${toFile "b" "b"}"
        let content =
            "ref: /nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z-hello.txt /nix/store/pxvcv8a2q21xkd9l7zrzb2xlqzah47md-b";
        assert_eq!(
            make_text_path(
                &store,
                "withref",
                content.as_bytes(),
                &refs(&[
                    "/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z-hello.txt",
                    "/nix/store/pxvcv8a2q21xkd9l7zrzb2xlqzah47md-b"
                ])
            )
            .as_deref(),
            Ok("/nix/store/jh6l0rbq32ysxamjj7622i4500mb3b2c-withref")
        );
    }

    #[test]
    fn name_errors_match_nix() {
        let store = StoreDir::default();
        let err = |name: &str| make_text_path(&store, name, b"x", &refs(&[])).map_err(|e| e.to_string());
        assert_eq!(
            err("a b"),
            Err("store path 'dm85kbl5cy82j2dzvy1874s14y3salv3-a b' contains illegal character ' '".into())
        );
        assert_eq!(err(""), Err("store path '9r1mh2rc3s3i33vpdw86kqqyvy9i1y4w-' has an empty name".into()));
        let long = "a".repeat(212);
        assert_eq!(
            err(&long),
            Err(format!("store path 'sk7z62nqxdj2sb8x397my8i4803lhvai-{long}' has a name longer than 211 characters"))
        );
        let longest = "a".repeat(211);
        assert_eq!(err(&longest), Ok(format!("/nix/store/yx91frwj9qkga75f8habg8q40arnqila-{longest}")));
        assert_eq!(validate_store_path_name("a+b-c.d_e?f=G9"), Ok(()));
        assert_eq!(validate_store_path_name("é"), Err(NameError::IllegalChar('é')));
    }

    #[test]
    fn local_paths_match_nix() {
        let store = StoreDir::default();
        // `nix-store --dump src | sha256sum` and "${./src}" in Nix 2.8.
        let nar =
            Hash::parse("e6f0e766765f91e174987e4c06b472229d22acbafbbff0753b0bfd470aa79f1b", Some(HashAlgo::Sha256));
        let nar = nar.expect("valid test hash");
        assert_eq!(
            store_path_for_local_path(&store, "src", &nar).as_deref(),
            Ok("/nix/store/kkz3d5f3sdwn3hjlb73nd02mphlzy2yd-src")
        );
        assert_eq!(
            store_path_for_local_path(&store, "renamed", &nar).as_deref(),
            Ok("/nix/store/9381j61wql341xaz7iaw2vybqfqxm0lk-renamed")
        );
    }

    #[test]
    fn fixed_output_paths_match_nix() {
        let store = StoreDir::default();
        let abc256 = Hash::compute(HashAlgo::Sha256, b"abc");
        let abc1 = Hash::compute(HashAlgo::Sha1, b"abc");
        let none = refs(&[]);
        let cases = [
            (FileIngestionMethod::Flat, &abc256, "fflat", "/nix/store/jks6kzhpwiw31gb5c41b6rfd57x9hyam-fflat"),
            (FileIngestionMethod::Recursive, &abc256, "frec", "/nix/store/w86yxz80yin7g17z1kx3xamh3vim0b23-frec"),
            (FileIngestionMethod::Flat, &abc1, "fflat1", "/nix/store/fnssxppwwdq5a3idqrjwff35338hdwx5-fflat1"),
            (FileIngestionMethod::Recursive, &abc1, "frec1", "/nix/store/ndjhyhs0hg3m912qhgml6916amchr1vp-frec1"),
        ];
        for (method, hash, name, expected) in cases {
            assert_eq!(make_fixed_output_path(&store, method, hash, name, &none).as_deref(), Ok(expected));
        }
        let some = refs(&["/nix/store/pxvcv8a2q21xkd9l7zrzb2xlqzah47md-b"]);
        assert!(make_fixed_output_path(&store, FileIngestionMethod::Flat, &abc256, "x", &some).is_err());
    }

    #[test]
    fn placeholder_matches_nix() {
        assert_eq!(hash_placeholder("out"), "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9");
    }

    #[test]
    fn parse_store_paths() {
        let store = StoreDir::default();
        assert_eq!(
            store.parse_store_path("/nix/store/pxvcv8a2q21xkd9l7zrzb2xlqzah47md-b"),
            Ok(("pxvcv8a2q21xkd9l7zrzb2xlqzah47md", "b"))
        );
        let err = |p: &str| store.parse_store_path(p).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(err("/tmp/x"), Err("path '/tmp/x' is not in the Nix store".into()));
        assert_eq!(err("/nix/store/abc"), Err("'abc' is too short to be a valid store path".into()));
        assert_eq!(
            err("/nix/store/exvcv8a2q21xkd9l7zrzb2xlqzah47md-b"),
            Err("store path 'exvcv8a2q21xkd9l7zrzb2xlqzah47md-b' contains illegal base-32 character 'e'".into())
        );
        assert!(store.parse_store_path("/nix/store/ééééééééééééééééé-b").is_err());
        assert!(store.parse_store_path("/nix/store/pxvcv8a2q21xkd9l7zrzb2xlqzah47md-b/sub").is_err());
    }
}
