//! The portable path (baseline and AVX2): a parallel radix sort of the doubles.
//!
//! Mapping each non-NaN double to an order-preserving `u64` key (flip every bit of a
//! negative, only the sign bit of a positive — the order of [`f64::total_cmp`]) turns that into
//! sorting integers, done here by a parallel radix sort:
//!
//! * A scan finds the NaNs and the leading key bits that every key shares.
//! * Most-significant-digit passes split the keys by their next 8 bits into 256 buckets, each
//!   pass counting per chunk of its range and then moving every chunk's doubles into disjoint
//!   slices of the other buffer, in parallel. Buckets are then sorted independently (in
//!   parallel), splitting again while they are large.
//! * A bucket of at most [`BASE`] keys, small enough for the L2 cache, is finished on one
//!   thread by least-significant-digit passes over its remaining bytes, skipping the bytes all
//!   its keys share.
//!
//! Memory traffic, which bounds a radix sort, thus stays at a few passes over the whole input
//! however many bytes the keys differ in. The passes move the doubles themselves (never NaN
//! once the input is left behind) and recompute keys on the fly: that costs a few instructions
//! per element but no key buffer, and fresh memory is expensive to touch the first time. The
//! doubles bounce between the output and one scratch buffer. The output is unique (equal keys
//! are equal bits), so it cannot depend on the chunking or the thread count.

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::ctx::{Ctx, Steps};

/// Inputs up to this length are sorted in one `sort_unstable` (well under a millisecond).
const SMALL: usize = 1 << 14;

/// The largest bucket finished on one thread: 64 Ki doubles and their scratch are 1 MiB, and
/// its up to eight passes take about a millisecond.
const BASE: usize = 1 << 16;

/// Buckets up to this size are finished by a comparison sort: cheaper than clearing and
/// summing a radix sort's counters.
const TINY: usize = 64;

/// Bounds of the chunk length of a parallel pass. One chunk's move, at a few nanoseconds per
/// key, stays under a millisecond at [`MAX_CHUNK`]; below [`MIN_CHUNK`] the 256 counters per
/// chunk dominate.
const MIN_CHUNK: usize = 1 << 13;
const MAX_CHUNK: usize = 1 << 17;

/// Progress units per element: the scan, the NaNs' copy, and two per key byte (a count and a
/// move), which a bucket finished early advances at once.
const UNITS_PER_ELEMENT: u64 = 1 + 1 + 8 * 2;

/// A sorted copy of `data` in `Float64Array.prototype.sort` order: ascending, `-0.0` before
/// `+0.0`, then every NaN, whatever its sign or payload, in input order. `data` is untouched.
///
/// Large inputs are sorted in parallel (see the module documentation); the result does not
/// depend on the thread count.
///
/// Preconditions: none. Memory: the output plus one scratch buffer of the same size.
/// Progress counts elements per pass.
pub(super) fn sort(data: &[f64], ctx: &Ctx) -> Result<Vec<f64>, Cancelled> {
    let steps = ctx.steps((data.len() as u64).saturating_mul(UNITS_PER_ELEMENT));
    steps.advance(0)?;
    if data.len() <= SMALL {
        return Ok(sort_small(data));
    }
    let scan = scan(data, &steps)?;
    let keys = data.len() - scan.nans.iter().sum::<usize>();
    let mut out = crate::output::zeroed::<f64>(data.len());
    let (head, tail) = out.split_at_mut(keys);
    copy_nans(data, &scan.nans, tail, &steps)?;
    // Bits from `hi` up are the same in every key: the first split looks below them.
    let hi = 64 - scan.shared.leading_ones();
    // Lent by the store (the input's copy, just as large, often went back there moments ago):
    // fresh pages cost a fault every 4 KiB. Not cleared: the first split writes every slot.
    let mut scratch = crate::spare::FLOATS.take_scratch(keys);
    match split::<true>(data, &mut scratch, hi, &steps)? {
        Split::Buckets(counts) => sort_buckets(
            &mut scratch,
            head,
            &counts,
            hi.saturating_sub(8),
            1,
            true,
            &steps,
        )?,
        // With NaNs around, split always moves everything.
        Split::Alike(hi) => sort_range(&mut scratch, head, hi, 1, true, &steps)?,
    }
    Ok(out)
}

/// The order-preserving key of a non-NaN double: `key(a) < key(b)` iff `a < b`, with
/// `-0.0 < +0.0` (the order of [`f64::total_cmp`]).
#[inline]
fn key(x: f64) -> u64 {
    let bits = x.to_bits();
    // A negative's bits all flip (larger magnitudes sort first); a positive's sign bit sets.
    bits ^ (((bits as i64) >> 63) as u64 | 1 << 63)
}

fn sort_small(data: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = data.iter().copied().filter(|x| !x.is_nan()).collect();
    out.sort_unstable_by_key(|&x| key(x));
    out.extend(data.iter().filter(|x| x.is_nan()));
    out
}

/// The chunk length of a parallel pass over `len` elements: several chunks per thread balance
/// the load. The split never changes the result.
fn chunk_len(len: usize) -> usize {
    len.div_ceil(4 * rayon::current_num_threads())
        .clamp(MIN_CHUNK, MAX_CHUNK)
}

/// What one read of the input tells: how many NaNs each chunk (of [`chunk_len`]) holds, and
/// which key bits every key shares.
struct Scan {
    nans: Vec<usize>,
    shared: u64,
}

fn scan(data: &[f64], steps: &Steps) -> Result<Scan, Cancelled> {
    let chunks: Vec<(usize, u64, u64)> = data
        .par_chunks(chunk_len(data.len()))
        .map(|c| {
            let (mut nans, mut all, mut any) = (0, u64::MAX, 0);
            for &x in c {
                if x.is_nan() {
                    nans += 1;
                } else {
                    let k = key(x);
                    (all, any) = (all & k, any | k);
                }
            }
            steps.advance(c.len() as u64)?;
            Ok((nans, all, any))
        })
        .collect::<Result<_, Cancelled>>()?;
    let (all, any) = chunks
        .iter()
        .fold((u64::MAX, 0), |(all, any), c| (all & c.1, any | c.2));
    Ok(Scan {
        nans: chunks.iter().map(|c| c.0).collect(),
        // A bit is shared when it is set in every key or clear in every key.
        shared: !(all ^ any),
    })
}

/// Copies the NaNs of `data`, in order, into `out`; `nans` holds each chunk's count.
fn copy_nans(
    data: &[f64],
    nans: &[usize],
    out: &mut [f64],
    steps: &Steps,
) -> Result<(), Cancelled> {
    if out.is_empty() {
        return steps.advance(data.len() as u64);
    }
    let mut slices = Vec::with_capacity(nans.len());
    let mut rest = out;
    for &count in nans {
        let (slice, tail) = std::mem::take(&mut rest).split_at_mut(count);
        slices.push(slice);
        rest = tail;
    }
    data.par_chunks(chunk_len(data.len()))
        .zip(slices)
        .try_for_each(|(src, out)| {
            for (o, &x) in out.iter_mut().zip(src.iter().filter(|x| x.is_nan())) {
                *o = x;
            }
            steps.advance(src.len() as u64)
        })
}

/// The digit of `x` just below bit `hi`: its key's bits `hi − 8 .. hi` (fewer when `hi < 8`).
#[inline]
fn top_digit(x: f64, hi: u32) -> usize {
    let shift = hi.saturating_sub(8);
    ((key(x) >> shift) & ((1 << (hi - shift)) - 1)) as usize
}

/// What [`split`] did.
enum Split {
    /// The doubles went to `dst`, this many to each bucket in turn.
    Buckets(Box<[usize; 256]>),
    /// Every key had the same digit, so nothing moved; in fact every key agrees on all the
    /// bits from this one up.
    Alike(u32),
}

/// Splits `src` by [`top_digit`] into `dst`, stably and in parallel. With `NANS` (only the
/// input has any; testing later sources for them would cost time for nothing) NaNs are left
/// out, `dst` must be exactly as long as the doubles it receives, and they always move.
fn split<const NANS: bool>(
    src: &[f64],
    dst: &mut [f64],
    hi: u32,
    steps: &Steps,
) -> Result<Split, Cancelled> {
    let chunk = chunk_len(src.len());
    let counts: Vec<([usize; 256], u64, u64)> = src
        .par_chunks(chunk)
        .map(|c| {
            let (mut count, mut all, mut any) = ([0usize; 256], u64::MAX, 0);
            for &x in c {
                if !(NANS && x.is_nan()) {
                    count[top_digit(x, hi)] += 1;
                    let k = key(x);
                    (all, any) = (all & k, any | k);
                }
            }
            steps.advance(c.len() as u64)?;
            Ok((count, all, any))
        })
        .collect::<Result<_, Cancelled>>()?;
    let mut total = [0usize; 256];
    let (mut all, mut any) = (u64::MAX, 0);
    for (count, a, o) in &counts {
        for (t, c) in total.iter_mut().zip(count) {
            *t += c;
        }
        (all, any) = (all & a, any | o);
    }
    if !NANS && total.contains(&src.len()) {
        steps.advance(src.len() as u64)?;
        return Ok(Split::Alike(64 - (!(all ^ any)).leading_ones()));
    }
    // Destination slices, bucket-major then chunk by chunk: that keeps the split stable.
    let mut slices: Vec<Vec<std::slice::IterMut<'_, f64>>> =
        (0..counts.len()).map(|_| Vec::with_capacity(256)).collect();
    let mut rest = dst;
    for bucket in 0..256 {
        for ((count, _, _), chunk_slices) in counts.iter().zip(slices.iter_mut()) {
            let (slice, tail) = std::mem::take(&mut rest).split_at_mut(count[bucket]);
            chunk_slices.push(slice.iter_mut());
            rest = tail;
        }
        // Only huge inputs (thousands of chunks) make this loop long, but then it is.
        steps.ctx().check()?;
    }
    src.par_chunks(chunk)
        .zip(slices)
        .try_for_each(|(src, mut cursors)| {
            for &x in src {
                if NANS && x.is_nan() {
                    continue;
                }
                // Always a slot: the slices were cut to this chunk's counts.
                if let Some(slot) = cursors.get_mut(top_digit(x, hi)).and_then(Iterator::next) {
                    *slot = x;
                }
            }
            steps.advance(src.len() as u64)
        })?;
    Ok(Split::Buckets(Box::new(total)))
}

/// Sorts each bucket of `cur` (their lengths are `counts`, in order), in parallel; the keys of
/// a bucket agree on every bit from `hi` up. The result lands in `spare` when `into_spare`,
/// else in `cur`. `depth` counts the splits so far (for progress).
fn sort_buckets(
    cur: &mut [f64],
    spare: &mut [f64],
    counts: &[usize; 256],
    hi: u32,
    depth: u64,
    into_spare: bool,
    steps: &Steps,
) -> Result<(), Cancelled> {
    let mut buckets = Vec::with_capacity(256);
    let (mut cur_rest, mut spare_rest) = (cur, spare);
    for &count in counts {
        let (c, cur_tail) = std::mem::take(&mut cur_rest).split_at_mut(count);
        let (s, spare_tail) = std::mem::take(&mut spare_rest).split_at_mut(count);
        buckets.push((c, s));
        (cur_rest, spare_rest) = (cur_tail, spare_tail);
    }
    buckets
        .into_par_iter()
        .try_for_each(|(c, s)| sort_range(c, s, hi, depth, into_spare, steps))
}

/// Sorts `cur`, whose keys agree on every bit from `hi` up, using `spare` (as long) as the
/// other buffer; the result lands in `spare` when `into_spare`, else in `cur`.
fn sort_range(
    cur: &mut [f64],
    spare: &mut [f64],
    hi: u32,
    depth: u64,
    into_spare: bool,
    steps: &Steps,
) -> Result<(), Cancelled> {
    if cur.len() <= BASE || hi == 0 {
        return finish(cur, spare, hi, depth, into_spare, steps);
    }
    match split::<false>(cur, spare, hi, steps)? {
        Split::Buckets(counts) => sort_buckets(
            spare,
            cur,
            &counts,
            hi.saturating_sub(8),
            depth + 1,
            !into_spare,
            steps,
        ),
        Split::Alike(hi) => sort_range(cur, spare, hi, depth + 1, into_spare, steps),
    }
}

/// Sorts a bucket on this thread: a comparison sort when tiny, else LSD radix passes over the
/// key bytes below `hi` that its keys do not all share, bouncing between `cur` and `spare`.
fn finish(
    cur: &mut [f64],
    spare: &mut [f64],
    hi: u32,
    depth: u64,
    into_spare: bool,
    steps: &Steps,
) -> Result<(), Cancelled> {
    let len = cur.len();
    if len <= TINY {
        cur.sort_unstable_by_key(|&x| key(x));
        if into_spare {
            spare.copy_from_slice(cur);
        }
    } else {
        let bytes = hi.div_ceil(8) as usize;
        let mut counts = [[0usize; 256]; 8];
        for &x in cur.iter() {
            let k = key(x);
            for (b, count) in counts.iter_mut().enumerate().take(bytes) {
                count[usize::from((k >> (8 * b)) as u8)] += 1;
            }
        }
        // `src` holds the doubles, ordered by the bytes passed so far; `in_cur` says which.
        let (mut src, mut dst, mut in_cur) = (cur, spare, true);
        for (b, count) in counts.iter().enumerate().take(bytes) {
            if count.contains(&len) {
                continue;
            }
            let mut next = [0usize; 256];
            let mut sum = 0;
            for (n, &c) in next.iter_mut().zip(count) {
                *n = sum;
                sum += c;
            }
            for &x in src.iter() {
                let d = usize::from((key(x) >> (8 * b)) as u8);
                // Always in bounds: `next` comes from this bucket's counts.
                if let Some(slot) = dst.get_mut(next[d]) {
                    *slot = x;
                }
                next[d] += 1;
            }
            std::mem::swap(&mut src, &mut dst);
            in_cur = !in_cur;
        }
        if in_cur == into_spare {
            dst.copy_from_slice(src);
        }
    }
    // The bytes this bucket needed no split or pass for count as done.
    steps.advance(len as u64 * 16u64.saturating_sub(2 * depth))
}

#[cfg(test)]
mod test {
    use super::*;
    // The same mix of doubles the dispatching module's tests use (every kind of value).
    use super::super::test::{bits, mixed as random, ORDERED};
    use crate::kernels::test_support::{
        cancelled_ctx, check_cancel_midway, check_progress, in_pool,
    };

    fn sorted(data: &[f64]) -> Vec<f64> {
        sort(data, &Ctx::default()).expect("not cancelled")
    }

    /// The specification: non-NaNs by `total_cmp`, then the NaNs in input order.
    fn reference(data: &[f64]) -> Vec<f64> {
        let mut out: Vec<f64> = data.iter().copied().filter(|x| !x.is_nan()).collect();
        out.sort_by(f64::total_cmp);
        out.extend(data.iter().filter(|x| x.is_nan()));
        out
    }

    #[test]
    fn keys_preserve_the_order() {
        let values = ORDERED;
        assert!(values.windows(2).all(|w| key(w[0]) < key(w[1])));
    }

    #[test]
    fn empty_and_single() {
        assert!(sorted(&[]).is_empty());
        assert_eq!(bits(&sorted(&[-0.0])), bits(&[-0.0]));
        assert!(sorted(&[f64::NAN])[0].is_nan());
    }

    #[test]
    fn javascript_order() {
        let neg_nan = f64::from_bits(0xfff8_0000_0000_0000);
        let input = [
            3.0,
            -0.0,
            0.0,
            f64::NAN,
            f64::NEG_INFINITY,
            f64::INFINITY,
            -1.0,
            neg_nan,
        ];
        let out = sorted(&input);
        let want = [
            f64::NEG_INFINITY,
            -1.0,
            -0.0,
            0.0,
            3.0,
            f64::INFINITY,
            f64::NAN,
            neg_nan,
        ];
        assert_eq!(bits(&out), bits(&want));
        assert_eq!(
            input[1].to_bits(),
            (-0.0f64).to_bits(),
            "the input is untouched"
        );
    }

    #[test]
    fn matches_the_reference_around_chunk_boundaries() {
        let sizes = [
            2,
            100,
            SMALL - 1,
            SMALL,
            SMALL + 1,
            MAX_CHUNK - 1,
            MAX_CHUNK + 1,
            3 * MAX_CHUNK + 5,
        ];
        for threads in [1, 3] {
            for (seed, &len) in (1..).zip(&sizes) {
                let data = random(len, seed);
                let out = in_pool(threads, || sorted(&data));
                assert_eq!(
                    bits(&out),
                    bits(&reference(&data)),
                    "{len} on {threads} threads"
                );
            }
        }
    }

    /// Doubles in [1, 2) with `sizes[b]` of them in bucket `b < 16` of the first split: the
    /// keys share their top 16 bits, so that split reads bits 40..48, which hold `b << 4`.
    /// Below, bits 32..40 are random when `mixed`, else all zero, and the rest are random.
    fn bucketed(sizes: &[usize], mixed: bool, seed: u64) -> Vec<f64> {
        assert!(sizes.len() <= 16 && sizes.iter().filter(|&&n| n > 0).count() > 1);
        let mut s = seed | 1;
        let mut out = Vec::new();
        for (b, &size) in (0u64..).zip(sizes) {
            for _ in 0..size {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let low = if mixed { s >> 24 } else { s >> 32 };
                out.push(f64::from_bits(0x3ff0_0000_0000_0000 | b << 44 | low));
            }
        }
        // Shuffle (deterministically), so that the split has work to do.
        for i in (1..out.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            out.swap(i, (s % (i as u64 + 1)) as usize);
        }
        out
    }

    #[test]
    fn buckets_around_the_size_thresholds() {
        // Buckets just under, at and over the sizes that change how a bucket is finished or
        // whether it is split again; unless `mixed`, the oversized bucket's next 8 bits are all
        // alike, so its split finds nothing to do and looks further down.
        let sizes = [TINY, TINY + 1, 1, 0, 2, BASE, BASE + 1, 3 * TINY, 7];
        for threads in [1, 3] {
            for (mixed, seed) in [(true, 1), (false, 2)] {
                let data = bucketed(&sizes, mixed, seed);
                let out = in_pool(threads, || sorted(&data));
                assert_eq!(bits(&out), bits(&reference(&data)), "{threads} threads");
            }
        }
    }

    #[test]
    fn special_inputs() {
        let n = 3 * MIN_CHUNK + 7;
        let nan = f64::from_bits(0x7ff8_0000_0000_0001);
        let cases: Vec<Vec<f64>> = vec![
            vec![nan; n],
            vec![-0.0; n],
            (0..n).map(|i| i as f64).collect(),
            (0..n).rev().map(|i| i as f64).collect(),
            (0..n)
                .map(|i| if i % 2 == 0 { 0.0 } else { -0.0 })
                .collect(),
            (0..n).map(|i| [1.0, f64::NAN, -2.5][i % 3]).collect(),
        ];
        for data in cases {
            assert_eq!(bits(&sorted(&data)), bits(&reference(&data)));
        }
    }

    #[test]
    fn a_cancelled_context_stops_it() {
        let data = random(1 << 20, 9);
        assert_eq!(sort(&data, &cancelled_ctx()), Err(Cancelled));
        assert_eq!(sort(&[1.0], &cancelled_ctx()), Err(Cancelled));
        check_cancel_midway(|ctx, scale| {
            let data = random((scale as usize) << 20, scale);
            sort(&data, ctx).map(drop)
        });
    }

    #[test]
    fn reports_progress() {
        check_progress(|ctx, scale| {
            let data = random((scale as usize) << 20, scale);
            sort(&data, ctx).map(drop)
        });
    }
}
