//! Nix's own base-32 encoding ("nix32").
//!
//! Nix uses the alphabet `0123456789abcdfghijklmnpqrsvwxyz` (no `e`, `o`, `u`,
//! `t`) and reads the input bytes from the last 5-bit group to the first, so
//! the encoding is *not* RFC 4648 base32: the first output character holds the
//! most significant bits of the last input byte.

/// The 32 characters of Nix's base-32 alphabet, in digit order.
pub const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// Length of the nix32 encoding of `byte_len` bytes.
pub fn encoded_len(byte_len: usize) -> usize {
    if byte_len == 0 {
        0
    } else {
        (byte_len * 8 - 1) / 5 + 1
    }
}

/// Encodes `bytes` in Nix's base-32.
pub fn encode(bytes: &[u8]) -> String {
    let len = encoded_len(bytes.len());
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let bit = n * 5;
        let i = bit / 8;
        let j = bit % 8;
        let low = u16::from(bytes[i]) >> j;
        let high = match bytes.get(i + 1) {
            Some(&next) => u16::from(next) << (8 - j),
            None => 0,
        };
        out.push(char::from(ALPHABET[usize::from((low | high) & 0x1f)]));
    }
    out
}

/// The value of one nix32 digit, or `None` for a character outside the alphabet.
fn digit_value(c: u8) -> Option<u8> {
    ALPHABET.iter().position(|&a| a == c).and_then(|p| u8::try_from(p).ok())
}

/// Decodes Nix's base-32 into `s.len() * 5 / 8` bytes.
///
/// Returns `None` when a character is outside the alphabet or when the
/// string carries set bits beyond the decoded length (Nix rejects those too).
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let input = s.as_bytes();
    let out_len = input.len() * 5 / 8;
    let mut out = vec![0u8; out_len];
    for (n, &c) in input.iter().rev().enumerate() {
        let digit = u16::from(digit_value(c)?);
        let bit = n * 5;
        let i = bit / 8;
        let j = bit % 8;
        let shifted = digit << j;
        match out.get_mut(i) {
            // The low bits of this digit land in byte `i`, the rest in `i + 1`.
            Some(byte) => *byte |= (shifted & 0xff) as u8,
            None if shifted != 0 => return None,
            None => {}
        }
        let carry = shifted >> 8;
        match out.get_mut(i + 1) {
            Some(byte) => *byte |= carry as u8,
            None if carry != 0 => return None,
            None => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_lengths() {
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let encoded = encode(&bytes);
            assert_eq!(encoded.len(), encoded_len(len));
            assert_eq!(decode(&encoded).as_deref(), Some(&bytes[..]), "len {len}");
        }
    }

    #[test]
    fn known_sha256_of_abc() {
        let bytes = [
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03,
            0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
        ];
        assert_eq!(encode(&bytes), "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(decode("e0"), None);
        assert_eq!(decode("é"), None);
        // 52 chars hold 260 bits; a leading 'z' sets bits beyond 256.
        assert_eq!(decode("zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"), None);
    }
}
