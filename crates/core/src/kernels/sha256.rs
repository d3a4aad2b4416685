//! `sha256`: the SHA-256 digest of a byte buffer.
//!
//! The `sha2` crate does the hashing: it picks its SHA-NI (x86-64) or ARMv8 implementation at
//! run time itself, so `SPINDLE_CPU` / [`Ctx::cpu`] cannot switch it (its detection is its own,
//! and every implementation gives the same digest anyway).
//!
//! Fed from memory, SHA-NI hashed only about 1.1 GB/s here against about 1.9 GB/s on data in
//! the cache: the hardware prefetcher does not keep it fed. So the input goes to the hasher in
//! [`PIECE`]-byte pieces, and before each piece the cache lines [`AHEAD`] bytes further on are
//! prefetched (x86-64 only; elsewhere the pieces are hashed as they come).

use sha2::{Digest, Sha256};

use crate::cancel::Cancelled;
use crate::ctx::Ctx;

/// Bytes hashed between two [`Steps::advance`](crate::Steps::advance) calls: about a
/// millisecond at SHA-NI speed (a few ms without it).
const SLICE: usize = 1 << 20;

/// Bytes handed to the hasher at a time, each after prefetching the lines [`AHEAD`] bytes on.
const PIECE: usize = 1 << 10;

/// How far ahead of the hashing the prefetches run.
const AHEAD: usize = 4 << 10;

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
        let chunk = chunk.as_ref();
        for (s, slice) in chunk.chunks(SLICE).enumerate() {
            let start = s * SLICE;
            for (p, piece) in slice.chunks(PIECE).enumerate() {
                prefetch(chunk, start + p * PIECE + AHEAD, PIECE);
                hasher.update(piece);
            }
            let before = hashed;
            hashed += slice.len() as u64;
            // Progress counts up to `total`, whatever arrives beyond it.
            steps.advance(hashed.min(total) - before.min(total))?;
        }
    }
    Ok((hex(&hasher.finalize()), hashed))
}

/// Asks the CPU to bring the cache lines of `data[from .. from + len]` (as much of it as
/// exists) into the cache.
#[inline]
fn prefetch(data: &[u8], from: usize, len: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let end = from.saturating_add(len).min(data.len());
        for at in (from..end).step_by(64) {
            // SAFETY: `at < data.len()`, so the address is inside `data`; a prefetch is only a
            // hint (it reads nothing into the program and cannot fault), and SSE, which has it,
            // is part of x86-64's baseline.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(data.as_ptr().add(at).cast()) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (data, from, len);
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

    /// SHA-256 straight from FIPS 180-4 (§5.1.1, §6.2), one block at a time: a reference that
    /// shares no code with `sha2`.
    fn reference(data: &[u8]) -> String {
        const K: [u32; 64] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2,
        ];
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&(data.len() as u64 * 8).to_be_bytes());
        for block in msg.chunks(64) {
            let mut w = [0u32; 64];
            for t in 0..64 {
                w[t] = if t < 16 {
                    u32::from_be_bytes([
                        block[4 * t],
                        block[4 * t + 1],
                        block[4 * t + 2],
                        block[4 * t + 3],
                    ])
                } else {
                    let s0 =
                        w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
                    let s1 =
                        w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
                    w[t - 16]
                        .wrapping_add(s0)
                        .wrapping_add(w[t - 7])
                        .wrapping_add(s1)
                };
            }
            let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
            for t in 0..64 {
                let t1 = hh
                    .wrapping_add(e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25))
                    .wrapping_add((e & f) ^ (!e & g))
                    .wrapping_add(K[t])
                    .wrapping_add(w[t]);
                let t2 = (a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22))
                    .wrapping_add((a & b) ^ (a & c) ^ (b & c));
                (hh, g, f, e, d, c, b, a) =
                    (g, f, e, d.wrapping_add(t1), c, b, a, t1.wrapping_add(t2));
            }
            for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
                *x = x.wrapping_add(y);
            }
        }
        let bytes: Vec<u8> = h.iter().flat_map(|x| x.to_be_bytes()).collect();
        hex(&bytes)
    }

    #[test]
    fn the_reference_passes_the_fips_vectors() {
        assert_eq!(
            reference(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            reference(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3])
            .collect()
    }

    #[test]
    fn every_short_length_and_piece_boundary_matches_the_reference() {
        let data = pattern(SLICE + AHEAD + 2 * PIECE + 70);
        let boundaries = [
            PIECE,
            AHEAD,
            PIECE + AHEAD,
            SLICE - AHEAD,
            SLICE,
            SLICE + PIECE,
        ];
        let lens = (0..=300).chain(
            boundaries
                .iter()
                .flat_map(|&b| [b - 65, b - 64, b - 1, b, b + 1, b + 63, b + 64]),
        );
        for len in lens {
            assert_eq!(digest(&data[..len]), reference(&data[..len]), "{len} bytes");
        }
    }

    #[test]
    fn chunks_of_every_boundary_size_hash_like_the_reference() {
        let data = pattern(2 * SLICE + 3 * AHEAD + 11);
        let expected = reference(&data);
        let ctx = Ctx::default();
        for size in [
            1,
            55,
            63,
            64,
            65,
            127,
            PIECE - 1,
            PIECE,
            PIECE + 1,
            AHEAD - 1,
            AHEAD,
            AHEAD + 1,
            SLICE - 1,
            SLICE + 1,
        ] {
            assert_eq!(
                sha256_chunks(data.chunks(size), data.len() as u64, &ctx),
                Ok((expected.clone(), data.len() as u64)),
                "chunks of {size}"
            );
        }
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
