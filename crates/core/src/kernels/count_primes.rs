//! `count_primes`: π(limit − 1), by a parallel segmented sieve of Eratosthenes.
//!
//! Only odd numbers are sieved, one bit each: bit `i` of the whole sieve stands for `2i + 1`.
//! The range splits into cache-sized segments, and consecutive segments into groups; groups run
//! in parallel, each with its own reusable segment buffer and its own "next multiple" offset
//! per base prime, so a prime costs one division per group rather than one per segment.
//! Multiples of the smallest primes (3 to 13), which would cost the most crossings, are not
//! crossed off one by one: each segment starts as a copy of their precomputed periodic pattern.

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::ctx::{Ctx, Steps};

/// Odd numbers per segment: 2^18 bits are 32 KiB of sieve, which stays in an L1 data cache
/// while every base prime crosses it. A segment is also well under a millisecond of work, the
/// interval between two [`Steps::advance`] calls.
const SEGMENT_BITS: u64 = 1 << 18;

/// The primes whose multiples [`PATTERN`] marks.
const PRESIEVED: [u64; 5] = [3, 5, 7, 11, 13];

/// The period, in bits, of [`PATTERN`]: 3·5·7·11·13 (bit i stands for 2i + 1, and 2 is
/// invertible modulo each of them).
const PERIOD: u64 = 3 * 5 * 7 * 11 * 13;

/// Bit `i` is set when `2i + 1` is a multiple of a [`PRESIEVED`] prime, for `i` up to
/// `PERIOD + 128`, so that 64 bits can be read from any offset below `PERIOD`.
const PATTERN: [u64; (PERIOD as usize + 128) / 64] = presieve_pattern();

const fn presieve_pattern() -> [u64; (PERIOD as usize + 128) / 64] {
    let mut pattern = [0u64; (PERIOD as usize + 128) / 64];
    let mut i = 0;
    while i < pattern.len() * 64 {
        let n = 2 * i as u64 + 1;
        let mut k = 0;
        while k < PRESIEVED.len() {
            if n.is_multiple_of(PRESIEVED[k]) {
                pattern[i / 64] |= 1 << (i % 64);
            }
            k += 1;
        }
        i += 1;
    }
    pattern
}

/// 64 bits of the periodic pattern, from bit `offset < PERIOD` on.
fn pattern_word(offset: u64) -> u64 {
    let (w, shift) = ((offset / 64) as usize, offset % 64);
    if shift == 0 {
        PATTERN[w]
    } else {
        (PATTERN[w] >> shift) | (PATTERN[w + 1] << (64 - shift))
    }
}

/// Starts a segment whose bit 0 is the sieve's bit `first`: multiples of the [`PRESIEVED`]
/// primes marked, bits from `len` on clear.
fn presieve(seg: &mut [u64], first: u64, len: u64) {
    let mut offset = first % PERIOD;
    for word in seg.iter_mut() {
        *word = pattern_word(offset);
        offset = (offset + 64) % PERIOD;
    }
    if !len.is_multiple_of(64) {
        if let Some(last) = seg.last_mut() {
            *last &= (1 << (len % 64)) - 1;
        }
    }
    if first == 0 {
        // The pattern marks the presieved primes themselves (bits 1 to 6); they are primes.
        if let Some(word) = seg.first_mut() {
            for p in PRESIEVED {
                *word &= !(1 << (p / 2));
            }
        }
    }
}

/// Base primes handled between two cancellation checks (a fraction of a millisecond of
/// divisions). Limits beyond ~10^10 have more base primes than this, and near 2^53 a single
/// segment, or a group's first division per prime, would otherwise run for milliseconds.
const PRIME_BATCH: usize = 1 << 13;

/// The most segments in one group: 64 segments span 2^24 bits, so offsets fit in a `u32`.
const MAX_GROUP_SEGMENTS: u64 = 64;

/// The number of primes strictly below `limit`.
///
/// Preconditions: `limit ≤ 2^53` (a JavaScript safe integer). Memory: the base primes below
/// √limit (at most ~5.4 M `u32`, ~22 MB at 2^53), plus per worker thread a 32 KiB segment
/// and one `u32` per base prime. Progress counts odd numbers sieved.
pub fn count_primes(limit: u64, ctx: &Ctx) -> Result<u64, Cancelled> {
    // Odd numbers below `limit` are 1, 3, …: bits 0..odd.
    let odd = limit / 2;
    // Every odd composite below `limit` has a prime factor ≤ root.
    let root = limit.saturating_sub(1).isqrt();
    let root_odd = root.div_ceil(2);
    let steps = ctx.steps(odd + root_odd);
    steps.advance(0)?;
    if limit < 3 {
        return Ok(0);
    }
    let base = odd_primes_up_to(root, &steps)?;
    // Every unmarked bit is an odd prime except bit 0, the number 1, which is never crossed
    // off: it stands in for the one even prime, 2.
    sieve_groups(odd, &base, &steps, |count: &mut u64, _, words, len| {
        let marked: u64 = words.iter().map(|w| u64::from(w.count_ones())).sum();
        *count += len as u64 - marked;
    })
    .try_reduce(|| 0, |a, b| Ok(a + b))
}

/// The odd primes `≤ n`, ascending. Precondition: `n < 2^32` (so they fit a `u32`).
fn odd_primes_up_to(n: u64, steps: &Steps) -> Result<Vec<u32>, Cancelled> {
    let tiny = small_odd_primes(n.isqrt());
    let groups = sieve_groups(
        n.div_ceil(2),
        &tiny,
        steps,
        |primes: &mut Vec<u32>, first, words, len| {
            for (w, &word) in words.iter().enumerate() {
                let mut unmarked = !word;
                if (w + 1) * 64 > len {
                    // The tail of the last word lies past the segment.
                    unmarked &= (1u64 << (len % 64)) - 1;
                }
                while unmarked != 0 {
                    let bit = first + (w as u64) * 64 + u64::from(unmarked.trailing_zeros());
                    unmarked &= unmarked - 1;
                    // Bit 0 is the number 1, which is no prime. Lossless: 2·bit + 1 ≤ n < 2^32.
                    if bit != 0 {
                        primes.push((2 * bit + 1) as u32);
                    }
                }
            }
        },
    )
    .collect::<Result<Vec<Vec<u32>>, Cancelled>>()?;
    Ok(groups.concat())
}

/// The odd primes `≤ n` by a plain sieve, for `n ≤ 2^16` (the primes that sieve the base
/// primes of a limit up to 2^64).
fn small_odd_primes(n: u64) -> Vec<u32> {
    let n = n.min(1 << 16) as usize;
    let mut composite = vec![false; n + 1];
    let mut primes = Vec::new();
    for p in (3..=n).step_by(2) {
        if !composite[p] {
            // Lossless: p ≤ 2^16.
            primes.push(p as u32);
            for m in (p * p..=n).step_by(2 * p) {
                composite[m] = true;
            }
        }
    }
    primes
}

/// Sieves bits `0..end` (the odd numbers below `2·end`) with `primes` — ascending odd primes,
/// which must include every prime `p` with `p² < 2·end` — in parallel groups of segments.
///
/// After sieving a segment, `visit(acc, first_bit, words, len)` folds it into the group's
/// accumulator: bit `j < len` of `words` (set = composite) stands for `2·(first_bit + j) + 1`,
/// and bits at `len` and beyond are clear. Yields one accumulator per group, in order.
fn sieve_groups<'a, A, V>(
    end: u64,
    primes: &'a [u32],
    steps: &'a Steps<'_>,
    visit: V,
) -> impl ParallelIterator<Item = Result<A, Cancelled>> + 'a
where
    A: Default + Send,
    V: Fn(&mut A, u64, &[u64], usize) + Sync + Send + 'a,
{
    let segments = end.div_ceil(SEGMENT_BITS);
    // Several groups per thread balance the load; larger groups amortise the divisions.
    // The thread count only shapes the split, never the result.
    let spread = 8 * rayon::current_num_threads() as u64;
    let group_segments = segments.div_ceil(spread).clamp(1, MAX_GROUP_SEGMENTS);
    let group_bits = group_segments * SEGMENT_BITS;
    (0..segments.div_ceil(group_segments))
        .into_par_iter()
        .map_init(
            || (vec![0u64; (SEGMENT_BITS / 64) as usize], Vec::new()),
            move |(words, offsets), group| {
                let lo = group * group_bits;
                let hi = end.min(lo + group_bits);
                let mut acc = A::default();
                sieve_group(
                    lo,
                    hi,
                    primes,
                    words,
                    offsets,
                    steps,
                    |first, words, len| visit(&mut acc, first, words, len),
                )?;
                Ok(acc)
            },
        )
}

/// Sieves bits `lo..hi` segment by segment (see [`sieve_groups`]), reusing `words` (one
/// segment long) and `offsets`.
fn sieve_group(
    lo: u64,
    hi: u64,
    primes: &[u32],
    words: &mut [u64],
    offsets: &mut Vec<u32>,
    steps: &Steps,
    mut visit: impl FnMut(u64, &[u64], usize),
) -> Result<(), Cancelled> {
    // Only primes whose square lies below `hi` cross anything off here, and the pattern has
    // already crossed off the multiples of the presieved ones.
    let skip = primes.partition_point(|&p| u64::from(p) <= PRESIEVED[PRESIEVED.len() - 1]);
    let end = primes.partition_point(|&p| square_bit(u64::from(p)) < hi);
    let active = primes.get(skip..end).unwrap_or_default();
    // offsets[k]: the next multiple of active[k] to cross off, as a bit offset from the start
    // of the current segment. Odd multiples of p sit at bits ≡ (p−1)/2 (mod p), from p² on.
    offsets.clear();
    // One allocation up front: growing by doubling would copy megabytes at once, unchecked.
    offsets.reserve(active.len());
    for batch in active.chunks(PRIME_BATCH) {
        offsets.extend(batch.iter().map(|&p| {
            let p = u64::from(p);
            let first = square_bit(p).max(lo + ((p - 1) / 2 + p - lo % p) % p);
            // Lossless: p² lies in this group (less than 2^24 bits on), or first − lo < p < 2^32.
            (first - lo) as u32
        }));
        steps.ctx().check()?;
    }
    let mut first = lo;
    while first < hi {
        let len = (hi - first).min(SEGMENT_BITS);
        let seg = &mut words[..len.div_ceil(64) as usize];
        presieve(seg, first, len);
        for (batch, batch_offsets) in active
            .chunks(PRIME_BATCH)
            .zip(offsets.chunks_mut(PRIME_BATCH))
        {
            for (&p, offset) in batch.iter().zip(batch_offsets) {
                let p = u64::from(p);
                let mut j = u64::from(*offset);
                while j < len {
                    seg[(j / 64) as usize] |= 1 << (j % 64);
                    j += p;
                }
                // Lossless: j < len + p, so j − len < p < 2^32.
                *offset = (j - len) as u32;
            }
            steps.ctx().check()?;
        }
        visit(first, seg, len as usize);
        steps.advance(len)?;
        first += len;
    }
    Ok(())
}

/// The bit of `p²`, the first multiple of the odd prime `p < 2^32` a sieve must cross off.
fn square_bit(p: u64) -> u64 {
    p * p / 2
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::kernels::test_support::{
        cancelled_ctx, check_cancel_midway, check_progress, in_pool,
    };

    fn pi(limit: u64) -> u64 {
        count_primes(limit, &Ctx::default()).expect("not cancelled")
    }

    /// π(x − 1) for every x ≤ n, by a plain sieve over every integer.
    fn reference_counts(n: usize) -> Vec<u64> {
        let mut composite = vec![false; n];
        let mut counts = vec![0; n + 1];
        for i in 2..n {
            if !composite[i] {
                for m in (i * i..n).step_by(i) {
                    composite[m] = true;
                }
            }
            counts[i + 1] = counts[i] + u64::from(!composite[i]);
        }
        counts
    }

    #[test]
    fn tiny_limits() {
        let got: Vec<u64> = (0..=4).map(pi).collect();
        assert_eq!(got, [0, 0, 0, 1, 2]);
    }

    #[test]
    fn powers_of_ten() {
        let expected = [4, 25, 168, 1229, 9592, 78498, 664579, 5761455];
        for (k, want) in (1..).zip(expected) {
            assert_eq!(pi(10u64.pow(k)), want, "pi(10^{k})");
        }
    }

    #[test]
    fn same_result_under_any_pool_size() {
        for threads in [1, 3] {
            assert_eq!(
                in_pool(threads, || pi(10_000_000)),
                664579,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn matches_trial_division_below_2000() {
        let is_prime = |n: u64| {
            n >= 2
                && (2..n)
                    .take_while(|d| d * d <= n)
                    .all(|d| !n.is_multiple_of(d))
        };
        let mut below = 0;
        for limit in 0..2000 {
            assert_eq!(pi(limit), below, "limit {limit}");
            below += u64::from(is_prime(limit));
        }
    }

    #[test]
    fn limits_at_segment_and_group_boundaries() {
        // A segment spans 2·SEGMENT_BITS integers; squares of primes near a boundary, and a
        // limit one past a prime, must land on the right side of it.
        let span = 2 * SEGMENT_BITS;
        let top = 5 * span + 8;
        let reference = reference_counts(top as usize);
        for threads in [1, 3] {
            in_pool(threads, || {
                for k in 1..=5 {
                    for limit in (k * span).saturating_sub(3)..=k * span + 3 {
                        assert_eq!(pi(limit), reference[limit as usize], "limit {limit}");
                    }
                }
            });
        }
        // The largest prime below 2^20 is 1048573 (= 2^20 − 3), and 1048583 is the next one.
        assert_eq!(reference[1 << 20], reference[1048574]);
        assert_eq!(pi(1048574) - pi(1048573), 1);
        assert_eq!(pi(1048584) - pi(1048583), 1);
    }

    #[test]
    fn base_primes_are_the_odd_primes() {
        let ctx = Ctx::default();
        let steps = ctx.steps(1);
        let reference = reference_counts(600_000);
        for n in [0, 1, 2, 3, 9, 25, 26, 1000, 2 * SEGMENT_BITS + 1, 599_999] {
            let primes = odd_primes_up_to(n, &steps).expect("not cancelled");
            assert!(primes.windows(2).all(|w| w[0] < w[1]));
            assert!(primes.iter().all(|&p| p % 2 == 1));
            let want = reference[n as usize + 1].saturating_sub(1);
            assert_eq!(primes.len() as u64, want, "odd primes up to {n}");
        }
    }

    #[test]
    fn a_cancelled_context_stops_it() {
        assert_eq!(count_primes(1 << 53, &cancelled_ctx()), Err(Cancelled));
        assert_eq!(count_primes(10, &cancelled_ctx()), Err(Cancelled));
        check_cancel_midway(|ctx, scale| count_primes(scale * 400_000_000, ctx).map(drop));
    }

    #[test]
    fn reports_progress() {
        check_progress(|ctx, scale| count_primes(scale * 400_000_000, ctx).map(drop));
    }
}
