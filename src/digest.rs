//! Content digests: the sha256 digest of a file or a text, in lowercase hexadecimal,
//! as the manifest, the archive of signed acts and the emitters' stable
//! identifiers record it.

use sha2::{Digest, Sha256};

/// The sha256 digest of `bytes`, 64 lowercase hexadecimal digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}
