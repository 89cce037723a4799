//! A small standard-alphabet base64 codec (RFC 4648 §4, padded), enough for recording chunks.
//!
//! Recordings carry raw body bytes as base64 strings. Decoding accepts padded input and, to be
//! lenient with hand-written files, unpadded input too; it rejects anything else (whitespace,
//! the URL-safe alphabet, bad padding) with the byte index of the first offending character.

use alloc::string::String;
use alloc::vec::Vec;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Value of one base64 digit, or `None` for a byte outside the standard alphabet.
fn digit(byte: u8) -> Option<u32> {
    match byte {
        b'A'..=b'Z' => Some(u32::from(byte - b'A')),
        b'a'..=b'z' => Some(u32::from(byte - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(byte - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Encodes bytes as padded standard base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [
            group[0],
            group.get(1).copied().unwrap_or(0),
            group.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= group.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional). On error, returns the index of the first
/// character that cannot be part of valid base64 at its position.
pub fn decode(text: &str) -> Result<Vec<u8>, usize> {
    let bytes = text.as_bytes();
    let body_len = bytes.len() - bytes.iter().rev().take_while(|&&b| b == b'=').count();
    let padding = bytes.len() - body_len;
    if let Some(bad) = bytes[..body_len].iter().position(|&b| digit(b).is_none()) {
        return Err(bad);
    }
    if padding > 2 || (padding > 0 && bytes.len() % 4 != 0) {
        return Err(body_len);
    }
    if body_len % 4 == 1 {
        return Err(body_len - 1);
    }
    let mut out = Vec::with_capacity(body_len / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for (index, &byte) in bytes[..body_len].iter().enumerate() {
        acc = (acc << 6) | digit(byte).ok_or(index)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // Masking keeps the low byte; the truncation is the point.
            #[allow(clippy::cast_possible_truncation)]
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits of a short final group must be zero, or the text is not canonical base64.
    if acc != 0 {
        return Err(body_len - 1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for len in 0..40 {
            let encoded = encode(&data[..len]);
            assert_eq!(encoded.len() % 4, 0);
            assert_eq!(decode(&encoded).unwrap(), &data[..len]);
            assert_eq!(decode(encoded.trim_end_matches('=')).unwrap(), &data[..len]);
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(encode(b"data: x\r\n\r\n"), "ZGF0YTogeA0KDQo=");
        assert_eq!(decode("ZGF0YTogeA0KDQo=").unwrap(), b"data: x\r\n\r\n");
        assert_eq!(decode("").unwrap(), b"");
    }

    #[test]
    fn rejects_bad_input_with_position() {
        assert_eq!(decode("ZG F0"), Err(2));
        assert_eq!(decode("Z"), Err(0));
        assert_eq!(decode("ZA==="), Err(2));
        assert_eq!(decode("ZB=="), Err(1), "non-zero leftover bits");
        assert_eq!(decode("ab-_"), Err(2));
    }
}
