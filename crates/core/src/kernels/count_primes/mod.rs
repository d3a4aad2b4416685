//! `count_primes`: π(limit − 1), by a parallel segmented sieve of Eratosthenes on a
//! modulo-30 wheel.
//!
//! - 30 numbers per byte ([`wheel`]): only the 8 residues coprime to 30 get a bit.
//! - Each segment starts as the AND of periodic patterns that cross off the multiples of the
//!   primes 7 to 293 ([`presieve`]), vectorised on every CPU path.
//! - The larger primes up to √limit cross off their multiples with the wheel's unrolled
//!   8-per-turn loop, in segments that stay in the L1 data cache.
//! - The count is a popcount of the segment; the pre-sieved primes are added by hand.
//!
//! Consecutive segments form groups, and groups run in parallel, each with its own segment
//! buffer and its own "next multiple" per sieving prime, so a prime costs one division per
//! group rather than one per segment. Groups only shape the split: the count never depends on
//! the pool's size. The vector paths (pre-sieve and popcount) are picked from [`Ctx::cpu`].
//!
//! Measured (`cargo run --release -p spindle-core --example sieve_bench`, one thread, thread
//! CPU time, on the 2-vCPU reference machine while shared with other builds, 2026-12-02): at
//! a limit of 8·10^7, 7–11 ms on every path, against 10–16 ms for primesieve 11 (Debian's
//! libprimesieve, same runs) and 57–80 ms for the previous 1-bit-per-odd sieve. Larger limits
//! favour primesieve (10^9: 250 ms against 120–140 ms; 10^10: 2×–2.5×): it has a bucket sieve
//! for primes far above the segment and L2-sized segments for medium primes, which this
//! sieve does not (every sieving prime visits every segment).

mod presieve;
mod scalar;
mod wheel;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

#[cfg(test)]
mod tests;

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::cpu::CpuPath;
use crate::ctx::{Ctx, Steps};

use wheel::{cross_off, first_multiple, Next, RESIDUES};

/// Bytes per segment (30 numbers each): 32 KiB stays in an L1 data cache while every sieving
/// prime crosses it, and is a few tens of microseconds of work, well within the millisecond
/// between two [`Steps::advance`] calls.
const SEGMENT_BYTES: u64 = 1 << 15;

/// Sieving primes handled between two cancellation checks within a segment. Limits beyond
/// ~10^11 have more of them than this, and near 2^53 (5.4 M sieving primes) a single segment,
/// or a group's first division per prime, would otherwise run for milliseconds.
const PRIME_BATCH: usize = 1 << 13;

/// The most segments in one group: a group's offsets must fit [`Next`]'s 29 bits.
const MAX_GROUP_SEGMENTS: u64 = 64;

/// The vector code path for the streaming steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Simd {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Simd {
    fn of(cpu: CpuPath) -> Simd {
        match cpu {
            #[cfg(target_arch = "x86_64")]
            CpuPath::Avx2 => Simd::Avx2,
            #[cfg(target_arch = "x86_64")]
            CpuPath::Avx512 => Simd::Avx512,
            _ => Simd::Scalar,
        }
    }

    /// Fills `seg`, whose byte 0 is the sieve's byte `first`, with the pre-sieve patterns.
    fn presieve(self, seg: &mut [u8], first: u64) {
        match self {
            Simd::Scalar => scalar::presieve(seg, first),
            // SAFETY: `Simd::of` picks this path only for a `Ctx::cpu()` of Avx2, which is
            // always one the CPU supports.
            #[cfg(target_arch = "x86_64")]
            Simd::Avx2 => unsafe { avx2::presieve(seg, first) },
            // SAFETY: as above, for Avx512.
            #[cfg(target_arch = "x86_64")]
            Simd::Avx512 => unsafe { avx512::presieve(seg, first) },
        }
    }

    /// The number of set bits in `seg`.
    fn popcount(self, seg: &[u8]) -> u64 {
        match self {
            Simd::Scalar => scalar::popcount(seg),
            // SAFETY: `Simd::of` picks this path only for a `Ctx::cpu()` of Avx2, which is
            // always one the CPU supports.
            #[cfg(target_arch = "x86_64")]
            Simd::Avx2 => unsafe { avx2::popcount(seg) },
            // SAFETY: as above, for Avx512.
            #[cfg(target_arch = "x86_64")]
            Simd::Avx512 => unsafe { avx512::popcount(seg) },
        }
    }
}

/// The number of primes strictly below `limit`.
///
/// Preconditions: `limit ≤ 2^53` (a JavaScript safe integer). Memory: the sieving primes up to
/// √limit (at most ~5.4 M `u32`, ~22 MB at 2^53), plus per worker thread a 32 KiB segment and
/// one `u32` per sieving prime, and ~0.9 MB of pre-sieve patterns shared by all. Progress
/// counts sieve bytes done.
pub fn count_primes(limit: u64, ctx: &Ctx) -> Result<u64, Cancelled> {
    // Every composite below `limit` has a prime factor ≤ root.
    let root = limit.saturating_sub(1).isqrt();
    let steps = ctx.steps(limit.div_ceil(30) + (root + 1).div_ceil(30));
    steps.advance(0)?;
    let simd = Simd::of(ctx.cpu());
    let sieving = sieving_primes(root, simd, &steps)?;
    let presieved = presieve::PRIMES.iter().filter(|&&p| p < limit).count() as u64;
    sieve_groups(limit, &sieving, simd, &steps, |count: &mut u64, _, seg| {
        *count += simd.popcount(seg);
    })
    .try_reduce(|| 0, |a, b| Ok(a + b))
    .map(|sieved| presieved + sieved)
}

/// The primes `p` with [`presieve::LARGEST`] `< p ≤ n`, ascending. Precondition: `n < 2^32`.
fn sieving_primes(n: u64, simd: Simd, steps: &Steps) -> Result<Vec<u32>, Cancelled> {
    if n <= presieve::LARGEST {
        // Still count the (empty) work, so that progress totals add up.
        steps.advance((n + 1).div_ceil(30))?;
        return Ok(Vec::new());
    }
    let tiny = small_primes(n.isqrt());
    let groups = sieve_groups(
        n + 1,
        &tiny,
        simd,
        steps,
        |primes: &mut Vec<u32>, first, seg| {
            for (i, &byte) in seg.iter().enumerate() {
                let mut bits = byte;
                while bits != 0 {
                    let k = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    // Lossless: the number is at most n < 2^32.
                    primes.push((30 * (first + i as u64) + RESIDUES[k]) as u32);
                }
            }
        },
    )
    .collect::<Result<Vec<Vec<u32>>, Cancelled>>()?;
    Ok(groups.concat())
}

/// The primes `p` with [`presieve::LARGEST`] `< p ≤ n`, for `n < 2^17` (enough to sieve the
/// sieving primes of any limit up to 2^64), by a plain sieve.
fn small_primes(n: u64) -> Vec<u32> {
    let n = n.min(1 << 17) as usize;
    let mut composite = vec![false; n + 1];
    let mut primes = Vec::new();
    for p in 2..=n {
        if !composite[p] {
            if p as u64 > presieve::LARGEST {
                // Lossless: p ≤ 2^17.
                primes.push(p as u32);
            }
            for m in (p * p..=n).step_by(p) {
                composite[m] = true;
            }
        }
    }
    primes
}

/// Sieves the numbers below `limit` with `primes` — ascending primes above
/// [`presieve::LARGEST`], including every prime `p` with `p² < limit` — in parallel groups of
/// segments.
///
/// After sieving a segment, `visit(acc, first, seg)` folds it into the group's accumulator:
/// bit `k` of `seg[i]` is set exactly when `30·(first + i) + RESIDUES[k]` is a prime above
/// [`presieve::LARGEST`] and below `limit`. Yields one accumulator per group, in order.
fn sieve_groups<'a, A, V>(
    limit: u64,
    primes: &'a [u32],
    simd: Simd,
    steps: &'a Steps<'_>,
    visit: V,
) -> impl ParallelIterator<Item = Result<A, Cancelled>> + 'a
where
    A: Default + Send,
    V: Fn(&mut A, u64, &[u8]) + Sync + Send + 'a,
{
    let end = limit.div_ceil(30);
    let segments = end.div_ceil(SEGMENT_BYTES);
    // Several groups per thread balance the load; larger groups amortise the divisions.
    // The thread count only shapes the split, never the result.
    let spread = 8 * rayon::current_num_threads() as u64;
    let group_segments = segments.div_ceil(spread).clamp(1, MAX_GROUP_SEGMENTS);
    let group_bytes = group_segments * SEGMENT_BYTES;
    (0..segments.div_ceil(group_segments))
        .into_par_iter()
        .map_init(
            || (vec![0u8; SEGMENT_BYTES as usize], Vec::new()),
            move |(buf, nexts), group| {
                let lo = group * group_bytes;
                let hi = end.min(lo + group_bytes);
                let mut acc = A::default();
                let range = Range { lo, hi, limit };
                sieve_group(range, primes, simd, buf, nexts, steps, |first, seg| {
                    visit(&mut acc, first, seg)
                })?;
                Ok(acc)
            },
        )
}

/// Bytes `lo..hi` of a sieve of the numbers below `limit`.
#[derive(Debug, Clone, Copy)]
struct Range {
    lo: u64,
    hi: u64,
    limit: u64,
}

/// Sieves one group (see [`sieve_groups`]) segment by segment, reusing `buf` (one segment
/// long) and `nexts`.
fn sieve_group(
    Range { lo, hi, limit }: Range,
    primes: &[u32],
    simd: Simd,
    buf: &mut [u8],
    nexts: &mut Vec<Next>,
    steps: &Steps,
    mut visit: impl FnMut(u64, &[u8]),
) -> Result<(), Cancelled> {
    // Only primes whose square lies below the group's end cross anything off here.
    let active = &primes[..primes.partition_point(|&p| u64::from(p) * u64::from(p) < 30 * hi)];
    nexts.clear();
    // One allocation up front: growing by doubling would copy megabytes at once, unchecked.
    nexts.reserve(active.len());
    for batch in active.chunks(PRIME_BATCH) {
        nexts.extend(batch.iter().map(|&p| first_multiple(u64::from(p), lo)));
        steps.ctx().check()?;
    }
    let many = active.len() > PRIME_BATCH;
    let mut first = lo;
    while first < hi {
        let len = (hi - first).min(SEGMENT_BYTES);
        // Lossless: len ≤ SEGMENT_BYTES = buf.len().
        let seg = &mut buf[..len as usize];
        simd.presieve(seg, first);
        if first == 0 {
            // The number 1 is not a prime (nor crossed off by anything).
            seg[0] &= !1;
        }
        for (batch, batch_nexts) in active
            .chunks(PRIME_BATCH)
            .zip(nexts.chunks_mut(PRIME_BATCH))
        {
            for (&p, next) in batch.iter().zip(batch_nexts) {
                *next = cross_off(seg, p, *next);
            }
            if many {
                steps.ctx().check()?;
            }
        }
        if first + len == limit.div_ceil(30) {
            // The last byte may stand for numbers from `limit` on.
            let base = 30 * (first + len - 1);
            let keep = RESIDUES
                .iter()
                .enumerate()
                .filter(|&(_, &r)| base + r < limit)
                .fold(0u8, |mask, (k, _)| mask | 1 << k);
            if let Some(last) = seg.last_mut() {
                *last &= keep;
            }
        }
        visit(first, seg);
        steps.advance(len)?;
        first += len;
    }
    Ok(())
}
