//! The portable versions of the two streaming steps (pre-sieve, count), written so that the
//! compiler vectorises them; `avx2.rs` and `avx512.rs` compile these same bodies with wider
//! instruction sets enabled, and the tests check every path against this one.

use super::presieve::{patterns, zip_periodic};

/// Fills `seg`, whose byte 0 is the sieve's byte `first`, with the AND of the pre-sieve
/// patterns.
#[inline(always)]
pub(super) fn presieve(seg: &mut [u8], first: u64) {
    let patterns = patterns();
    let Some((head, rest)) = patterns.split_first() else {
        seg.fill(0xff);
        return;
    };
    zip_periodic(seg, head, first, |dst, src| dst.copy_from_slice(src));
    for pattern in rest {
        zip_periodic(seg, pattern, first, |dst, src| {
            for (d, s) in dst.iter_mut().zip(src) {
                *d &= *s;
            }
        });
    }
}

/// The number of set bits in `seg`.
#[inline(always)]
pub(super) fn popcount(seg: &[u8]) -> u64 {
    let (words, tail) = seg.as_chunks::<8>();
    let mut total = 0u64;
    for w in words {
        total += u64::from(u64::from_le_bytes(*w).count_ones());
    }
    for b in tail {
        total += u64::from(b.count_ones());
    }
    total
}
