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
    sha256_chunks([data], data.len() as u64, ctx).map(|(digest, _)| digest)
}

/// The SHA-256 digest of the bytes of `chunks`, in order, which may still be arriving while
/// it runs (from a channel, say): hashing overlaps the producer's work. `total` is how many
/// bytes are expected, for progress; the second value returned is how many came, which the
/// caller should compare with `total` (a producer that stopped early gives a digest of less).
///
/// Preconditions: none. Progress counts bytes, up to `total`.
pub fn sha256_chunks<C: AsRef<[u8]>>(
    chunks: impl IntoIterator<Item = C>,
    total: u64,
    ctx: &Ctx,
) -> Result<(String, u64), Cancelled> {
    let steps = ctx.steps(total);
    steps.advance(0)?;
    let mut hasher = Sha256::new();
    let mut hashed = 0u64;
    for chunk in chunks {
        for slice in chunk.as_ref().chunks(SLICE) {
            hasher.update(slice);
            let before = hashed;
            hashed += slice.len() as u64;
            // Progress counts up to `total`, whatever arrives beyond it.
            steps.advance(hashed.min(total) - before.min(total))?;
        }
    }
    Ok((hex(&hasher.finalize()), hashed))
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
    fn chunks_hash_like_their_concatenation() {
        let data: Vec<u8> = (0..5 * SLICE + 3).map(|i| (i % 251) as u8).collect();
        let expected = hex(&Sha256::digest(&data));
        let ctx = Ctx::default();
        for size in [1, 1000, SLICE - 1, SLICE, 3 * SLICE + 1] {
            let chunks = data.chunks(size);
            assert_eq!(
                sha256_chunks(chunks, data.len() as u64, &ctx),
                Ok((expected.clone(), data.len() as u64)),
                "chunks of {size}"
            );
        }
        // Chunks from another thread, as the binding sends them.
        let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let producer = {
            let data = data.clone();
            std::thread::spawn(move || {
                data.chunks(SLICE / 3)
                    .for_each(|c| tx.send(c.to_vec()).expect("receiver alive"))
            })
        };
        assert_eq!(
            sha256_chunks(rx, data.len() as u64, &ctx),
            Ok((expected, data.len() as u64))
        );
        producer.join().expect("producer");
        // A short stream says so; a long one never pushes progress past 1.
        let (_, got) = sha256_chunks([&data[..10]], 20, &ctx).expect("not cancelled");
        assert_eq!(got, 10);
        let (_, got) = sha256_chunks([&data[..30]], 20, &ctx).expect("not cancelled");
        assert_eq!(got, 30);
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
