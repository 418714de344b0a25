//! Hash algorithms, hash values and their textual forms, as Nix parses and prints them.
//!
//! The parsing rules follow Nix 2.8's `Hash::parseAny`: an optional `algo:`
//! prefix or an SRI `algo-` prefix, then the digest in base-16, nix32 or
//! base-64, told apart by length alone.

use std::fmt;
use std::io;
use std::str::FromStr;

use md5::Md5;
use sha1::Sha1;
use sha2::digest::Digest;
use sha2::{Sha256, Sha512};

use crate::base32;

/// A hash algorithm Nix knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashAlgo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl HashAlgo {
    /// All algorithms, in Nix's order.
    pub const ALL: [HashAlgo; 4] = [HashAlgo::Md5, HashAlgo::Sha1, HashAlgo::Sha256, HashAlgo::Sha512];

    /// Parses `"md5"`, `"sha1"`, `"sha256"` or `"sha512"` (case-sensitive, like Nix).
    pub fn parse(name: &str) -> Result<HashAlgo, HashError> {
        HashAlgo::parse_opt(name).ok_or_else(|| HashError::UnknownAlgo(name.to_owned()))
    }

    /// Like [`HashAlgo::parse`] but `None` for an unknown name (Nix's `parseHashTypeOpt`).
    pub fn parse_opt(name: &str) -> Option<HashAlgo> {
        HashAlgo::ALL.into_iter().find(|algo| algo.name() == name)
    }

    /// The algorithm's name as Nix prints it.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "md5",
            HashAlgo::Sha1 => "sha1",
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Sha512 => "sha512",
        }
    }

    /// Digest size in bytes.
    pub fn size(self) -> usize {
        match self {
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }

    /// Length of the base-16 form of a digest.
    pub fn base16_len(self) -> usize {
        self.size() * 2
    }

    /// Length of the nix32 form of a digest.
    pub fn nix32_len(self) -> usize {
        base32::encoded_len(self.size())
    }

    /// Length of the padded base-64 form of a digest.
    pub fn base64_len(self) -> usize {
        self.size().div_ceil(3) * 4
    }
}

impl fmt::Display for HashAlgo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for HashAlgo {
    type Err = HashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HashAlgo::parse(s)
    }
}

/// A textual encoding of a hash, as named by `builtins.convertHash`'s `toHashFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashFormat {
    Base16,
    /// Nix's base-32; also accepted under the deprecated name `"base32"`.
    Nix32,
    Base64,
    /// `algo-<base64>`, Subresource Integrity style.
    Sri,
}

impl HashFormat {
    /// Parses `"base16"`, `"nix32"`, `"base32"`, `"base64"` or `"sri"`.
    pub fn parse(name: &str) -> Result<HashFormat, HashError> {
        match name {
            "base16" => Ok(HashFormat::Base16),
            "nix32" | "base32" => Ok(HashFormat::Nix32),
            "base64" => Ok(HashFormat::Base64),
            "sri" => Ok(HashFormat::Sri),
            _ => Err(HashError::UnknownFormat(name.to_owned())),
        }
    }
}

impl FromStr for HashFormat {
    type Err = HashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HashFormat::parse(s)
    }
}

/// A digest together with the algorithm that made it.
///
/// Invariant: `bytes().len() == algo().size()`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hash {
    algo: HashAlgo,
    bytes: Vec<u8>,
}

impl Hash {
    /// Hashes `data` with `algo`.
    pub fn compute(algo: HashAlgo, data: &[u8]) -> Hash {
        let mut hasher = Hasher::new(algo);
        hasher.update(data);
        hasher.finish()
    }

    /// Wraps an existing digest; fails if its length does not fit `algo`.
    pub fn from_bytes(algo: HashAlgo, bytes: &[u8]) -> Result<Hash, HashError> {
        if bytes.len() != algo.size() {
            return Err(HashError::WrongLength { hash: base16_encode(bytes), algo });
        }
        Ok(Hash { algo, bytes: bytes.to_vec() })
    }

    /// The all-zero hash of `algo`, which Nix assumes for an empty `outputHash`.
    pub fn zero(algo: HashAlgo) -> Hash {
        Hash { algo, bytes: vec![0; algo.size()] }
    }

    /// The algorithm.
    pub fn algo(&self) -> HashAlgo {
        self.algo
    }

    /// The raw digest.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Parses a hash in any form Nix 2.8's `Hash::parseAny` accepts:
    /// `algo:<digest>`, SRI `algo-<base64>`, or a bare digest when `algo` is
    /// given. A bare digest is base-16, nix32 or base-64 according to its
    /// length. If both the string and `algo` name an algorithm they must agree.
    pub fn parse(s: &str, algo: Option<HashAlgo>) -> Result<Hash, HashError> {
        let (prefix_algo, rest, is_sri) = split_prefix(s)?;
        let algo = match (prefix_algo, algo) {
            (None, None) => return Err(HashError::NoType(rest.to_owned())),
            (Some(found), Some(wanted)) if found != wanted => {
                return Err(HashError::WrongType { hash: s.to_owned(), expected: wanted })
            }
            (Some(found), _) => found,
            (None, Some(wanted)) => wanted,
        };
        Hash::parse_digest(rest, algo, is_sri)
    }

    /// Parses an SRI hash `algo-<base64>` (Nix's `Hash::parseSRI`).
    pub fn parse_sri(s: &str) -> Result<Hash, HashError> {
        let Some((name, rest)) = s.split_once('-') else {
            return Err(HashError::NotSri(s.to_owned()));
        };
        Hash::parse_digest(rest, HashAlgo::parse(name)?, true)
    }

    /// Like [`Hash::parse`], but an empty string yields the all-zero hash of
    /// `algo` (Nix's `newHashAllowEmpty`). The caller should warn about it;
    /// see [`Hash::empty_hash_warning`].
    pub fn parse_allow_empty(s: &str, algo: Option<HashAlgo>) -> Result<Hash, HashError> {
        if s.is_empty() {
            match algo {
                Some(algo) => Ok(Hash::zero(algo)),
                None => Err(HashError::EmptyNeedsAlgo),
            }
        } else {
            Hash::parse(s, algo)
        }
    }

    /// The warning Nix prints when it assumes the all-zero hash for an empty one.
    pub fn empty_hash_warning(algo: HashAlgo) -> String {
        format!("found empty hash, assuming '{}'", Hash::zero(algo).to_sri())
    }

    /// Parses a digest without prefix, choosing the encoding by length.
    fn parse_digest(rest: &str, algo: HashAlgo, is_sri: bool) -> Result<Hash, HashError> {
        let len = rest.len();
        let bytes = if !is_sri && len == algo.base16_len() {
            base16_decode(rest).ok_or_else(|| HashError::InvalidBase16(rest.to_owned()))?
        } else if !is_sri && len == algo.nix32_len() {
            base32::decode(rest).ok_or_else(|| HashError::InvalidNix32(rest.to_owned()))?
        } else if is_sri || len == algo.base64_len() {
            let decoded = base64_decode(rest)?;
            if decoded.len() != algo.size() {
                return Err(if is_sri {
                    HashError::InvalidSri(rest.to_owned())
                } else {
                    HashError::InvalidBase64(rest.to_owned())
                });
            }
            decoded
        } else {
            return Err(HashError::WrongLength { hash: rest.to_owned(), algo });
        };
        Ok(Hash { algo, bytes })
    }

    /// Lower-case hexadecimal digest, without the algorithm.
    pub fn to_base16(&self) -> String {
        base16_encode(&self.bytes)
    }

    /// Nix base-32 digest, without the algorithm.
    pub fn to_nix32(&self) -> String {
        base32::encode(&self.bytes)
    }

    /// Padded standard base-64 digest, without the algorithm.
    pub fn to_base64(&self) -> String {
        base64_encode(&self.bytes)
    }

    /// `algo-<base64>`.
    pub fn to_sri(&self) -> String {
        format!("{}-{}", self.algo, self.to_base64())
    }

    /// The digest in `format`; with `include_algo`, prefixed by `algo:` (SRI
    /// always carries its `algo-` prefix). This is Nix's `Hash::to_string`.
    pub fn to_format(&self, format: HashFormat, include_algo: bool) -> String {
        let digest = match format {
            HashFormat::Base16 => self.to_base16(),
            HashFormat::Nix32 => self.to_nix32(),
            HashFormat::Base64 => self.to_base64(),
            HashFormat::Sri => return self.to_sri(),
        };
        if include_algo {
            format!("{}:{}", self.algo, digest)
        } else {
            digest
        }
    }
}

/// `builtins.convertHash { hash; hashAlgo ? null; toHashFormat; }`: parses
/// `hash` as [`Hash::parse`] does and prints it in `to_format` without an
/// algorithm prefix (except for SRI, which always has one).
pub fn convert_hash(hash: &str, hash_algo: Option<&str>, to_format: &str) -> Result<String, HashError> {
    let algo = hash_algo.map(HashAlgo::parse).transpose()?;
    let format = HashFormat::parse(to_format)?;
    Ok(Hash::parse(hash, algo)?.to_format(format, false))
}

/// Shrinks a digest to `len` bytes by XOR-folding it, as Nix's `compressHash`
/// does to turn a SHA-256 into the 20 bytes of a store path hash.
pub fn compress_hash(bytes: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    if len == 0 {
        return out;
    }
    for (i, byte) in bytes.iter().enumerate() {
        out[i % len] ^= byte;
    }
    out
}

/// An incremental hasher; also an [`io::Write`] sink so serializers can
/// stream into it.
#[derive(Clone)]
pub struct Hasher {
    state: HasherState,
}

#[derive(Clone)]
enum HasherState {
    Md5(Md5),
    Sha1(Sha1),
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    /// A fresh hasher for `algo`.
    pub fn new(algo: HashAlgo) -> Hasher {
        let state = match algo {
            HashAlgo::Md5 => HasherState::Md5(Md5::new()),
            HashAlgo::Sha1 => HasherState::Sha1(Sha1::new()),
            HashAlgo::Sha256 => HasherState::Sha256(Sha256::new()),
            HashAlgo::Sha512 => HasherState::Sha512(Sha512::new()),
        };
        Hasher { state }
    }

    /// Feeds more data.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            HasherState::Md5(h) => h.update(data),
            HasherState::Sha1(h) => h.update(data),
            HasherState::Sha256(h) => h.update(data),
            HasherState::Sha512(h) => h.update(data),
        }
    }

    /// Finishes and returns the hash.
    pub fn finish(self) -> Hash {
        let (algo, bytes) = match self.state {
            HasherState::Md5(h) => (HashAlgo::Md5, h.finalize().to_vec()),
            HasherState::Sha1(h) => (HashAlgo::Sha1, h.finalize().to_vec()),
            HasherState::Sha256(h) => (HashAlgo::Sha256, h.finalize().to_vec()),
            HasherState::Sha512(h) => (HashAlgo::Sha512, h.finalize().to_vec()),
        };
        Hash { algo, bytes }
    }
}

impl io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Why a hash, algorithm or format could not be parsed. Messages match Nix 2.8's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("unknown hash algorithm '{0}'")]
    UnknownAlgo(String),
    #[error("unknown hash format '{0}', expect 'base16', 'base32', 'base64', or 'sri'")]
    UnknownFormat(String),
    #[error("hash '{0}' does not include a type, nor is the type otherwise known from context")]
    NoType(String),
    #[error("hash '{hash}' should have type '{expected}'")]
    WrongType { hash: String, expected: HashAlgo },
    #[error("hash '{0}' is not SRI")]
    NotSri(String),
    #[error("invalid base-16 hash '{0}'")]
    InvalidBase16(String),
    #[error("invalid base-32 hash '{0}'")]
    InvalidNix32(String),
    #[error("invalid base-64 hash '{0}'")]
    InvalidBase64(String),
    #[error("invalid SRI hash '{0}'")]
    InvalidSri(String),
    /// A character outside the base-64 alphabet (shown escaped if not ASCII).
    #[error("invalid character in Base64 string: '{}'", char::from(*.0).escape_default())]
    InvalidBase64Char(u8),
    #[error("hash '{hash}' has wrong length for hash type '{algo}'")]
    WrongLength { hash: String, algo: HashAlgo },
    #[error("empty hash requires explicit hash type")]
    EmptyNeedsAlgo,
}

/// Splits an `algo:` or SRI `algo-` prefix off `s` (Nix's `getParsedTypeAndSRI`).
/// Returns the algorithm if there was a prefix, the rest, and whether it was SRI.
fn split_prefix(s: &str) -> Result<(Option<HashAlgo>, &str, bool), HashError> {
    if let Some((name, rest)) = s.split_once(':') {
        return Ok((Some(HashAlgo::parse(name)?), rest, false));
    }
    if let Some((name, rest)) = s.split_once('-') {
        return Ok((Some(HashAlgo::parse(name)?), rest, true));
    }
    Ok((None, s, false))
}

const BASE16_DIGITS: &[u8; 16] = b"0123456789abcdef";
const BASE64_DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base16_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(BASE16_DIGITS[usize::from(b >> 4)]));
        out.push(char::from(BASE16_DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Decodes base-16, accepting upper and lower case like Nix.
fn base16_decode(s: &str) -> Option<Vec<u8>> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let input = s.as_bytes();
    if !input.len().is_multiple_of(2) {
        return None;
    }
    input.chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

/// Standard padded base-64.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    let mut data: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        data = (data << 8 | u32::from(b)) & 0xffff;
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(BASE64_DIGITS[((data >> bits) & 0x3f) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE64_DIGITS[((data << (6 - bits)) & 0x3f) as usize]));
    }
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// Decodes base-64 as leniently as Nix: stops at the first `=`, skips
/// newlines and drops leftover bits.
pub fn base64_decode(s: &str) -> Result<Vec<u8>, HashError> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let mut data: u32 = 0;
    let mut bits = 0;
    for &c in s.as_bytes() {
        if c == b'=' {
            break;
        }
        if c == b'\n' {
            continue;
        }
        let digit = BASE64_DIGITS.iter().position(|&d| d == c).ok_or(HashError::InvalidBase64Char(c))?;
        data = (data << 6 | digit as u32) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((data >> bits) & 0xff) as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn compute_matches_nix_hash_string() {
        // Reference values from `builtins.hashString` in Nix 2.8.
        let cases = [
            (HashAlgo::Md5, "", "d41d8cd98f00b204e9800998ecf8427e"),
            (HashAlgo::Md5, "abc", "900150983cd24fb0d6963f7d28e17f72"),
            (HashAlgo::Md5, "hello world", "5eb63bbbe01eeed093cb22bb8f5acdc3"),
            (HashAlgo::Sha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (HashAlgo::Sha1, "hello world", "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"),
            (HashAlgo::Sha256, "abc", SHA256_ABC),
            (HashAlgo::Sha256, "hello world", "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"),
            (
                HashAlgo::Sha512,
                "abc",
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
        ];
        for (algo, input, expected) in cases {
            assert_eq!(Hash::compute(algo, input.as_bytes()).to_base16(), expected, "{algo} {input:?}");
        }
    }

    #[test]
    fn all_encodings_of_abc() {
        // nix32 from `nix-hash --to-base32`, base64 from the digest.
        let cases = [
            (HashAlgo::Md5, "3jgzhjhz9zjvbb0kyj7jc500ch", "kAFQmDzST7DWlj99KOF/cg=="),
            (HashAlgo::Sha1, "kpcd173cq987hw957sx6m0868wv3x6d9", "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="),
            (
                HashAlgo::Sha256,
                "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
                "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
            ),
            (
                HashAlgo::Sha512,
                "2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx",
                "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
            ),
        ];
        for (algo, nix32, base64) in cases {
            let hash = Hash::compute(algo, b"abc");
            assert_eq!(hash.to_nix32(), nix32);
            assert_eq!(hash.to_base64(), base64);
            assert_eq!(hash.to_sri(), format!("{algo}-{base64}"));
            for text in [hash.to_base16(), nix32.to_owned(), base64.to_owned()] {
                assert_eq!(Hash::parse(&text, Some(algo)).as_ref(), Ok(&hash), "{text}");
                assert_eq!(Hash::parse(&format!("{algo}:{text}"), None).as_ref(), Ok(&hash));
            }
            assert_eq!(Hash::parse(&hash.to_sri(), None).as_ref(), Ok(&hash));
            assert_eq!(Hash::parse_sri(&hash.to_sri()).as_ref(), Ok(&hash));
            assert_eq!(Hash::parse(&hash.to_base16().to_uppercase(), Some(algo)).as_ref(), Ok(&hash));
        }
    }

    fn parse_err(s: &str, algo: Option<HashAlgo>) -> String {
        match Hash::parse_allow_empty(s, algo) {
            Ok(hash) => format!("ok {}", hash.to_base16()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parse_errors_match_nix() {
        // Messages as printed by Nix 2.8 for `outputHash`/`outputHashAlgo`.
        let sha256 = Some(HashAlgo::Sha256);
        let cases = [
            ("xyz", sha256, "hash 'xyz' has wrong length for hash type 'sha256'"),
            ("abc", None, "hash 'abc' does not include a type, nor is the type otherwise known from context"),
            (
                "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Some(HashAlgo::Sha1),
                "hash 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' should have type 'sha1'",
            ),
            (
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aZ",
                sha256,
                "invalid base-16 hash 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aZ'",
            ),
            (
                "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5e",
                sha256,
                "invalid base-32 hash '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5e'",
            ),
            (
                "zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
                sha256,
                "invalid base-32 hash 'zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s'",
            ),
            (
                "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAF",
                None,
                "invalid SRI hash 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAF'",
            ),
            ("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0!", sha256, "invalid character in Base64 string: '!'"),
            ("", None, "empty hash requires explicit hash type"),
            ("foo:abc", None, "unknown hash algorithm 'foo'"),
            ("SHA256:abc", None, "unknown hash algorithm 'SHA256'"),
            ("sha1-abc", None, "invalid SRI hash 'abc'"),
            ("", sha256, "ok 0000000000000000000000000000000000000000000000000000000000000000"),
            // Accepted leniently, like Nix: no padding, or junk after '='.
            ("sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0", None, &format!("ok {SHA256_ABC}")),
            ("sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=!", None, &format!("ok {SHA256_ABC}")),
            ("sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", None, &format!("ok {SHA256_ABC}")),
        ];
        for (input, algo, expected) in cases {
            assert_eq!(parse_err(input, algo), expected, "{input:?}");
        }
        assert_eq!(HashAlgo::parse("foo").map_err(|e| e.to_string()), Err("unknown hash algorithm 'foo'".to_owned()));
        assert_eq!(
            Hash::empty_hash_warning(HashAlgo::Sha256),
            "found empty hash, assuming 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='"
        );
    }

    #[test]
    fn parse_never_panics_on_odd_input() {
        for s in
            ["", "-", ":", "sha256-", "sha256:", "é", "sha256:éééééééééééééééééééééééééééééééééé", "md5-====", "\u{0}"]
        {
            for algo in [None, Some(HashAlgo::Md5), Some(HashAlgo::Sha256)] {
                let _ = Hash::parse(s, algo);
            }
        }
        // Non-ASCII of exactly base-16 length must be an error, not a slice panic.
        let s = "é".repeat(16);
        assert!(Hash::parse(&s, Some(HashAlgo::Md5)).is_err());
    }

    #[test]
    fn convert_hash_formats() {
        let sri = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
        assert_eq!(convert_hash(sri, None, "base16").as_deref(), Ok(SHA256_ABC));
        assert_eq!(
            convert_hash(SHA256_ABC, Some("sha256"), "nix32").as_deref(),
            Ok("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s")
        );
        assert_eq!(
            convert_hash(SHA256_ABC, Some("sha256"), "base32").as_deref(),
            Ok("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s")
        );
        assert_eq!(convert_hash(SHA256_ABC, Some("sha256"), "sri").as_deref(), Ok(sri));
        assert_eq!(
            convert_hash(SHA256_ABC, Some("sha256"), "base64").as_deref(),
            Ok("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
        );
        assert_eq!(
            convert_hash(SHA256_ABC, Some("sha256"), "hex").map_err(|e| e.to_string()),
            Err("unknown hash format 'hex', expect 'base16', 'base32', 'base64', or 'sri'".to_owned())
        );
        assert!(convert_hash(SHA256_ABC, Some("sha1"), "sri").is_err());
    }

    #[test]
    fn base64_round_trips() {
        for len in 0..20 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 91 + 7) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)), Ok(bytes));
        }
    }

    #[test]
    fn compress_folds_with_xor() {
        assert_eq!(compress_hash(&[1, 2, 3, 4, 5], 2), vec![1 ^ 3 ^ 5, 2 ^ 4]);
        assert_eq!(compress_hash(&[1, 2], 0), Vec::<u8>::new());
    }
}
