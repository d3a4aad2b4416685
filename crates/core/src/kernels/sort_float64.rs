//! `sort_float64`: a sorted copy of a `Float64Array`, in JavaScript's default order.
//!
//! `Float64Array.prototype.sort()` orders numerically, puts `-0` before `+0` and every NaN
//! last. Mapping each non-NaN double to an order-preserving `u64` key (flip every bit of a
//! negative, only the sign bit of a positive — the order of [`f64::total_cmp`]) turns that into
//! sorting integers, done here by a parallel least-significant-digit radix sort: up to eight
//! stable passes of one byte each, skipping the bytes every key shares. Each pass counts, per
//! chunk of its source, how many keys fall in each of the 256 buckets; then every chunk moves
//! its doubles into its own disjoint slices of the destination, in parallel.
//!
//! The passes move the doubles themselves (never NaN once the input is left behind) and
//! recompute keys on the fly, which costs a few instructions per element while saving memory:
//! they bounce between the output and one scratch buffer, arranged so the last pass lands in
//! the output. Fresh memory is expensive to touch the first time, so needing one buffer fewer
//! is worth more than the arithmetic. The output is unique (equal keys are equal bits), so it
//! cannot depend on the chunking or the thread count.

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::ctx::{Ctx, Steps};

/// Inputs up to this length are sorted in one `sort_unstable` (well under a millisecond).
const SMALL: usize = 1 << 14;

/// Bounds of the chunk length. One chunk's scatter, at a few nanoseconds per key, stays under
/// a millisecond at [`MAX_CHUNK`]; below [`MIN_CHUNK`] the 256 counters per chunk dominate.
const MIN_CHUNK: usize = 1 << 13;
const MAX_CHUNK: usize = 1 << 17;

/// Progress units per element: a scan, then a count and a move for each of the eight bytes
/// (a skipped byte advances by its two units at once), then the NaNs' copy.
const UNITS_PER_ELEMENT: u64 = 1 + 8 * 2 + 1;

/// A sorted copy of `data` in `Float64Array.prototype.sort` order: ascending, `-0.0` before
/// `+0.0`, then every NaN, whatever its sign or payload, in input order. `data` is untouched.
///
/// Large inputs are sorted in parallel (see the module documentation); the result does not
/// depend on the thread count.
///
/// Preconditions: none. Memory: the output plus one scratch buffer of the same size.
/// Progress counts elements per pass.
pub fn sort_float64(data: &[f64], ctx: &Ctx) -> Result<Vec<f64>, Cancelled> {
    let steps = ctx.steps((data.len() as u64).saturating_mul(UNITS_PER_ELEMENT));
    steps.advance(0)?;
    if data.len() <= SMALL {
        return Ok(sort_small(data));
    }
    // Several chunks per thread balance the load; the split never changes the result.
    let chunk = data
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .clamp(MIN_CHUNK, MAX_CHUNK);
    let scan = scan(data, chunk, &steps)?;
    let keys = data.len() - scan.nans.iter().sum::<usize>();
    let mut shifts: Vec<u32> = (0..64)
        .step_by(8)
        .filter(|&shift| (scan.shared >> shift) & 0xff != 0xff)
        .collect();
    steps.advance((8 - shifts.len() as u64) * 2 * keys as u64)?;
    if shifts.is_empty() {
        // Every key is the same: one (trivial) pass still moves them to the output.
        shifts.push(0);
    }
    let mut out = vec![0.0; data.len()];
    let (head, tail) = out.split_at_mut(keys);
    copy_nans(data, &scan.nans, tail, chunk, &steps)?;
    let mut scratch = if shifts.len() > 1 {
        vec![0.0; keys]
    } else {
        Vec::new()
    };
    // Pass i writes to `dst`, then reads it back as the next pass's source; starting in the
    // output when the number of passes is odd makes the last pass land there.
    let (mut dst, mut other): (&mut [f64], &mut [f64]) = if shifts.len() % 2 == 1 {
        (head, &mut scratch)
    } else {
        (&mut scratch, head)
    };
    radix_pass::<true>(data, dst, shifts[0], chunk, &steps)?;
    for &shift in &shifts[1..] {
        radix_pass::<false>(dst, other, shift, chunk, &steps)?;
        std::mem::swap(&mut dst, &mut other);
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

/// The inverse of [`key`].
#[inline]
fn value(key: u64) -> f64 {
    f64::from_bits(key ^ (((!key as i64) >> 63) as u64 | 1 << 63))
}

fn sort_small(data: &[f64]) -> Vec<f64> {
    let mut keys: Vec<u64> = data
        .iter()
        .filter(|x| !x.is_nan())
        .map(|&x| key(x))
        .collect();
    keys.sort_unstable();
    let mut out: Vec<f64> = keys.into_iter().map(value).collect();
    out.extend(data.iter().filter(|x| x.is_nan()));
    out
}

/// What one read of the input tells: how many NaNs each chunk holds, and which key bits every
/// key shares.
struct Scan {
    nans: Vec<usize>,
    shared: u64,
}

fn scan(data: &[f64], chunk: usize, steps: &Steps) -> Result<Scan, Cancelled> {
    let chunks: Vec<(usize, u64, u64)> = data
        .par_chunks(chunk)
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
    chunk: usize,
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
    data.par_chunks(chunk)
        .zip(slices)
        .try_for_each(|(src, out)| {
            for (o, &x) in out.iter_mut().zip(src.iter().filter(|x| x.is_nan())) {
                *o = x;
            }
            steps.advance(src.len() as u64)
        })
}

/// One stable counting pass on the key byte at `shift`: moves the doubles of `src` into `dst`,
/// leaving out its NaNs when `NANS` (only the input has any; testing later sources for them
/// would cost time for nothing). `dst` must be exactly as long as the doubles it receives.
fn radix_pass<const NANS: bool>(
    src: &[f64],
    dst: &mut [f64],
    shift: u32,
    chunk: usize,
    steps: &Steps,
) -> Result<(), Cancelled> {
    let digit = |x: f64| usize::from((key(x) >> shift) as u8);
    let counts: Vec<[usize; 256]> = src
        .par_chunks(chunk)
        .map(|c| {
            let mut count = [0usize; 256];
            for &x in c {
                if !(NANS && x.is_nan()) {
                    count[digit(x)] += 1;
                }
            }
            steps.advance(c.len() as u64)?;
            Ok(count)
        })
        .collect::<Result<_, Cancelled>>()?;
    // Destination slices, bucket-major then chunk by chunk: that keeps the pass stable.
    let mut slices: Vec<Vec<std::slice::IterMut<'_, f64>>> =
        (0..counts.len()).map(|_| Vec::with_capacity(256)).collect();
    let mut rest = dst;
    for bucket in 0..256 {
        for (count, chunk_slices) in counts.iter().zip(slices.iter_mut()) {
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
                if let Some(slot) = cursors.get_mut(digit(x)).and_then(Iterator::next) {
                    *slot = x;
                }
            }
            steps.advance(src.len() as u64)
        })
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::kernels::test_support::{
        cancelled_ctx, check_cancel_midway, check_progress, in_pool,
    };

    fn sorted(data: &[f64]) -> Vec<f64> {
        sort_float64(data, &Ctx::default()).expect("not cancelled")
    }

    /// The specification: non-NaNs by `total_cmp`, then the NaNs in input order.
    fn reference(data: &[f64]) -> Vec<f64> {
        let mut out: Vec<f64> = data.iter().copied().filter(|x| !x.is_nan()).collect();
        out.sort_by(f64::total_cmp);
        out.extend(data.iter().filter(|x| x.is_nan()));
        out
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// Doubles of every kind: wide and narrow ranges, both zeros, infinities, subnormals,
    /// NaNs with signs and payloads, and repeats, from a xorshift generator.
    fn random(len: usize, seed: u64) -> Vec<f64> {
        let mut s = seed | 1;
        (0..len)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                match s % 64 {
                    0 => 0.0,
                    1 => -0.0,
                    2 => f64::INFINITY,
                    3 => f64::NEG_INFINITY,
                    4 => f64::from_bits(0x7ff8_0000_0000_0000 | (s >> 20)),
                    5 => f64::from_bits(0xfff0_0000_0000_0001 | (s >> 24)),
                    6 => f64::from_bits(s >> 12) * if s & 1 == 0 { 1.0 } else { -1.0 },
                    7 => ((s >> 32) % 10) as f64,
                    8..=31 => f64::from_bits(s),
                    _ => ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 1000.0,
                }
            })
            .collect()
    }

    #[test]
    fn keys_preserve_the_order_and_invert() {
        let values = [
            f64::NEG_INFINITY,
            -f64::MAX,
            -1.0,
            -f64::MIN_POSITIVE,
            -f64::from_bits(1),
            -0.0,
            0.0,
            f64::from_bits(1),
            f64::MIN_POSITIVE,
            1.0,
            f64::MAX,
            f64::INFINITY,
        ];
        assert!(values.windows(2).all(|w| key(w[0]) < key(w[1])));
        for x in values {
            assert_eq!(value(key(x)).to_bits(), x.to_bits());
        }
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
        assert_eq!(sort_float64(&data, &cancelled_ctx()), Err(Cancelled));
        assert_eq!(sort_float64(&[1.0], &cancelled_ctx()), Err(Cancelled));
        check_cancel_midway(|ctx, scale| {
            let data = random((scale as usize) << 20, scale);
            sort_float64(&data, ctx).map(drop)
        });
    }

    #[test]
    fn reports_progress() {
        check_progress(|ctx, scale| {
            let data = random((scale as usize) << 20, scale);
            sort_float64(&data, ctx).map(drop)
        });
    }
}
