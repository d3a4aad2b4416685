//! `sha256`: the SHA-256 digest of a byte buffer.

use sha2::{Digest, Sha256};

use crate::cancel::Cancelled;
use crate::ctx::Ctx;

/// Bytes hashed between two [`Steps::advance`](crate::Steps::advance) calls: about a
/// millisecond at SHA-NI speed (a few ms without it).
const SLICE: usize = 1 << 20;

/// The SHA-256 digest of `data` as 64 lowercase hex digits.
///
/// Hashing is inherently sequential, so this runs on the calling thread; the sha2 crate picks
/// its SHA-NI / ARMv8 implementation at run time when the CPU has one.
///
/// Preconditions: none. Progress counts bytes.
pub fn sha256(data: &[u8], ctx: &Ctx) -> Result<String, Cancelled> {
    let steps = ctx.steps(data.len() as u64);
    steps.advance(0)?;
    let mut hasher = Sha256::new();
    for slice in data.chunks(SLICE) {
        hasher.update(slice);
        steps.advance(slice.len() as u64)?;
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::kernels::test_support::{cancelled_ctx, check_cancel_midway, check_progress};

    fn digest(data: &[u8]) -> String {
        sha256(data, &Ctx::default()).expect("not cancelled")
    }

    #[test]
    fn fips_180_2_vectors() {
        assert_eq!(
            digest(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            digest(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            digest(&vec![b'a'; 1_000_000]),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn slices_hash_like_one_shot() {
        let data: Vec<u8> = (0..3 * SLICE + 5)
            .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3])
            .collect();
        for len in [SLICE - 1, SLICE, SLICE + 1, data.len()] {
            let expected = hex(&Sha256::digest(&data[..len]));
            assert_eq!(digest(&data[..len]), expected, "{len} bytes");
        }
    }

    #[test]
    fn a_cancelled_context_stops_it() {
        let data = vec![0u8; 8 * SLICE];
        assert_eq!(sha256(&data, &cancelled_ctx()), Err(Cancelled));
        check_cancel_midway(|ctx, scale| {
            let data = vec![7u8; (scale as usize) * (12 << 20)];
            sha256(&data, ctx).map(drop)
        });
    }

    #[test]
    fn reports_progress() {
        check_progress(|ctx, scale| {
            let data = vec![7u8; (scale as usize) * (12 << 20)];
            sha256(&data, ctx).map(drop)
        });
    }
}
