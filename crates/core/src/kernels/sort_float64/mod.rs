//! `sort_float64`: a sorted copy of a `Float64Array`, in JavaScript's default order.
//!
//! `Float64Array.prototype.sort()` orders numerically, puts `-0` before `+0` and every NaN
//! last. Mapping each non-NaN double to an order-preserving integer key (the order of
//! [`f64::total_cmp`]) turns that into sorting integers. Two paths do it, chosen by
//! [`Ctx::cpu`]:
//!
//! * [`avx512`]: the keys are computed once, in parallel, into the output buffer itself (NaNs
//!   set aside, in input order, behind them), sorted there in place by a vectorised quicksort,
//!   and mapped back to doubles as each part becomes final. No scratch buffer. On one thread
//!   the keys are partitioned around a first pivot as they are made, which saves a pass over
//!   memory (about a tenth of the call at 1.25 M doubles).
//! * [`radix`] (baseline and AVX2): a parallel radix sort of the doubles, bouncing between the
//!   output and one scratch buffer lent by [`crate::spare`].
//!
//! Equal keys are equal doubles and the NaNs keep their input order, so the output is unique:
//! it cannot depend on the path or the thread count, and the tests compare every path, bit for
//! bit, with a `total_cmp` reference.

#[cfg(target_arch = "x86_64")]
mod avx512;
mod radix;

use crate::cancel::Cancelled;
use crate::ctx::Ctx;
#[cfg(target_arch = "x86_64")]
use crate::{cpu::CpuPath, ctx::Steps};
#[cfg(target_arch = "x86_64")]
use rayon::prelude::*;

/// A sorted copy of `data` in `Float64Array.prototype.sort` order: ascending, `-0.0` before
/// `+0.0`, then every NaN, whatever its sign or payload, bit for bit and in input order.
/// `data` is untouched.
///
/// Large inputs are sorted in parallel (see the module documentation); the result does not
/// depend on the thread count or on the CPU path.
///
/// Preconditions: none. Memory: the output, plus (on the portable path) one scratch buffer of
/// the same size. Progress counts elements per pass.
pub fn sort_float64(data: &[f64], ctx: &Ctx) -> Result<Vec<f64>, Cancelled> {
    match ctx.cpu() {
        #[cfg(target_arch = "x86_64")]
        CpuPath::Avx512 => by_keys(data, ctx),
        _ => radix::sort(data, ctx),
    }
}

/// The order-preserving key of a non-NaN double's bits `b`: `key(a) < key(b)` (as `i64`) iff
/// `a < b` as doubles, with `-0.0 < +0.0`. A negative keeps its sign bit and flips the others
/// (larger magnitudes sort first); a positive is its own key. It is its own inverse.
/// (The AVX-512 path computes it in vectors; the tests check that against this.)
#[cfg(target_arch = "x86_64")]
fn key(b: i64) -> i64 {
    b ^ (((b >> 63) as u64) >> 1) as i64
}

/// Chunk length of the parallel passes over `len` elements: several chunks per thread, each
/// well under a millisecond.
#[cfg(target_arch = "x86_64")]
fn chunk_len(len: usize) -> usize {
    len.div_ceil(4 * rayon::current_num_threads())
        .clamp(1 << 13, 1 << 17)
}

/// The key path: keys into the output, sorted in place, mapped back.
#[cfg(target_arch = "x86_64")]
fn by_keys(data: &[f64], ctx: &Ctx) -> Result<Vec<f64>, Cancelled> {
    let n = data.len();
    // Two units per element: the keys, then the sort (which maps them back as it goes).
    let steps = ctx.steps(2 * n as u64);
    steps.advance(0)?;
    let mut out = crate::output::zeroed::<f64>(n);
    let words = as_words(&mut out);
    // One thread: the keys are made and partitioned in one pass (see `avx512::sort_doubles`);
    // more threads share the work of two.
    if rayon::current_num_threads() == 1 && avx512::sort_doubles(data, words, &steps)? {
        return Ok(out);
    }
    let keys = to_keys(data, words, &steps)?;
    steps.advance((n - keys) as u64)?;
    let (head, _) = words.split_at_mut(keys);
    avx512::sort_keys(head, &steps)?;
    Ok(out)
}

/// The bits of `v`, to be written as integers.
#[cfg(target_arch = "x86_64")]
fn as_words(v: &mut [f64]) -> &mut [i64] {
    // SAFETY: `f64` and `i64` have the same size and alignment, and every bit pattern is a
    // valid value of both; the new slice borrows `v` mutably, so nothing else sees it meanwhile.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<i64>(), v.len()) }
}

/// Writes the keys of `data`'s non-NaNs to the front of `out` (in no particular order) and the
/// bits of its NaNs, in input order, after them; returns how many keys there are. The CPU must
/// have the AVX-512 features.
#[cfg(target_arch = "x86_64")]
fn to_keys(data: &[f64], out: &mut [i64], steps: &Steps) -> Result<usize, Cancelled> {
    let n = data.len();
    let chunk = chunk_len(n);
    // Each chunk packs its keys at the front of its part of `out` and keeps its NaNs aside.
    let parts: Vec<(usize, Vec<i64>)> = data
        .par_chunks(chunk)
        .zip(out.par_chunks_mut(chunk))
        .map(|(src, dst)| {
            let mut nans = Vec::new();
            let written = avx512::to_keys(src, dst, &mut nans);
            steps.advance(src.len() as u64)?;
            Ok((written, nans))
        })
        .collect::<Result<_, Cancelled>>()?;
    let keys: usize = parts.iter().map(|p| p.0).sum();
    if keys == n {
        return Ok(keys);
    }
    // The holes the NaNs left before position `keys` take the keys found after it: as many of
    // one as of the other.
    let mut holes = parts
        .iter()
        .enumerate()
        .flat_map(|(c, (written, _))| c * chunk + written..((c + 1) * chunk).min(n))
        .take_while(|&p| p < keys);
    for (c, (written, _)) in parts.iter().enumerate() {
        for p in (c * chunk).max(keys)..c * chunk + written {
            if let Some(hole) = holes.next() {
                out[hole] = out[p];
            }
        }
    }
    for (slot, &nan) in out[keys..]
        .iter_mut()
        .zip(parts.iter().flat_map(|p| p.1.iter()))
    {
        *slot = nan;
    }
    Ok(keys)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::cpu;
    use crate::kernels::test_support::{
        cancelled_ctx, check_cancel_midway, check_progress, in_pool,
    };

    /// The specification: non-NaNs by `total_cmp`, then the NaNs in input order.
    fn reference(data: &[f64]) -> Vec<f64> {
        let mut out: Vec<f64> = data.iter().copied().filter(|x| !x.is_nan()).collect();
        out.sort_by(f64::total_cmp);
        out.extend(data.iter().filter(|x| x.is_nan()));
        out
    }

    pub(super) fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    fn xorshift(s: &mut u64) -> u64 {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        *s
    }

    /// Doubles of every kind: wide and narrow ranges, both zeros, infinities, subnormals,
    /// NaNs with signs and payloads, and repeats.
    pub(super) fn mixed(len: usize, seed: u64) -> Vec<f64> {
        let mut s = seed | 1;
        (0..len)
            .map(|_| {
                let s = xorshift(&mut s);
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

    /// Inputs of many shapes, `len` long.
    fn shapes(len: usize, seed: u64) -> Vec<(&'static str, Vec<f64>)> {
        let mut s = seed | 1;
        let uniform: Vec<f64> = (0..len)
            .map(|_| ((xorshift(&mut s) >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2e6)
            .collect();
        let mut sorted = uniform.clone();
        sorted.sort_by(f64::total_cmp);
        let reversed: Vec<f64> = sorted.iter().rev().copied().collect();
        let nan = f64::from_bits(0x7ff8_0000_0000_0001);
        vec![
            ("mixed", mixed(len, seed)),
            ("uniform", uniform),
            ("sorted", sorted),
            ("reversed", reversed),
            ("all equal", vec![-2.5; len]),
            ("all -0", vec![-0.0; len]),
            ("all NaN", vec![nan; len]),
            (
                // More NaNs than keys on either side of any pivot.
                "mostly NaN",
                (0..len)
                    .map(|i| {
                        let s = xorshift(&mut s);
                        if i % 10 == 3 {
                            (s % 1000) as f64 - 500.0
                        } else {
                            f64::from_bits(0x7ff0_0000_0000_0001 | (s & 0x800f_ffff_ffff_fff0))
                        }
                    })
                    .collect(),
            ),
            (
                "zeros",
                (0..len)
                    .map(|i| if i % 3 == 0 { 0.0 } else { -0.0 })
                    .collect(),
            ),
            (
                "few unique",
                (0..len)
                    .map(|_| [1.0, -1.0, 7.5, f64::INFINITY][(xorshift(&mut s) % 4) as usize])
                    .collect(),
            ),
            (
                "subnormals",
                (0..len)
                    .map(|_| {
                        let s = xorshift(&mut s);
                        f64::from_bits(s & 0x800f_ffff_ffff_ffff)
                    })
                    .collect(),
            ),
            (
                "extremes",
                (0..len)
                    .map(|_| {
                        [
                            f64::MAX,
                            f64::MIN,
                            f64::INFINITY,
                            f64::NEG_INFINITY,
                            f64::MIN_POSITIVE,
                            -f64::from_bits(1),
                            f64::NAN,
                            -f64::NAN,
                        ][(xorshift(&mut s) % 8) as usize]
                    })
                    .collect(),
            ),
            (
                "one minimum",
                (0..len)
                    .map(|i| if i == len / 2 { -1.0 } else { 3.0 })
                    .collect(),
            ),
            (
                "organ pipe",
                (0..len)
                    .map(|i| i.min(len - i) as f64 + (i % 7) as f64 * 0.25)
                    .collect(),
            ),
        ]
    }

    fn each_path(mut f: impl FnMut(&Ctx, cpu::CpuPath)) {
        for path in cpu::supported() {
            f(&Ctx::default().with_cpu(path), path);
        }
    }

    /// Non-NaN doubles in ascending total order, the edges of every range: both paths' keys
    /// must keep this order.
    pub(super) const ORDERED: [f64; 12] = [
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

    #[test]
    fn keys_preserve_the_order_and_invert() {
        let values = ORDERED;
        #[cfg(target_arch = "x86_64")]
        {
            let k = |x: f64| key(x.to_bits() as i64);
            assert!(values.windows(2).all(|w| k(w[0]) < k(w[1])));
            assert!(values.iter().all(|&x| key(k(x)) as u64 == x.to_bits()));
        }
        assert!(values.windows(2).all(|w| w[0].total_cmp(&w[1]).is_lt()));
    }

    #[test]
    fn javascript_order_on_every_path() {
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
        each_path(|ctx, path| {
            let copy = input;
            let out = sort_float64(&input, ctx).expect("not cancelled");
            assert_eq!(bits(&out), bits(&want), "{path}");
            assert_eq!(bits(&input), bits(&copy), "the input is untouched");
            assert!(sort_float64(&[], ctx).expect("not cancelled").is_empty());
        });
    }

    #[test]
    fn every_small_size_and_shape_on_every_path() {
        each_path(|ctx, path| {
            for len in 0..=300 {
                for (name, data) in shapes(len, len as u64 + 1) {
                    let out = sort_float64(&data, ctx).expect("not cancelled");
                    assert_eq!(bits(&out), bits(&reference(&data)), "{path} {name} {len}");
                }
            }
        });
    }

    #[test]
    fn large_inputs_on_every_path_and_pool_size() {
        for len in [4099, 70_001, 300_007, 1 << 20] {
            let all: Vec<_> = shapes(len, len as u64)
                .into_iter()
                // The largest size only in two shapes, and not in debug builds: they are slow.
                .filter(|(name, _)| {
                    len < 1 << 20
                        || (!cfg!(debug_assertions) && ["mixed", "uniform"].contains(name))
                })
                .map(|(name, data)| {
                    let want = bits(&reference(&data));
                    (name, data, want)
                })
                .collect();
            for threads in [1, 2, 3] {
                each_path(|ctx, path| {
                    for (name, data, want) in &all {
                        let out = in_pool(threads, || sort_float64(data, ctx)).expect("ok");
                        assert!(
                            &bits(&out) == want,
                            "{path} {name} {len} on {threads} threads"
                        );
                    }
                });
            }
        }
    }

    /// The benchmark's input: uniform in [-1e6, 1e6) with −0, +0 and NaN every 997th.
    #[test]
    fn the_benchmark_distribution() {
        let mut s = 7u64;
        let mut data: Vec<f64> = (0..1_250_000)
            .map(|_| ((xorshift(&mut s) >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2e6)
            .collect();
        for i in (0..data.len()).step_by(997) {
            data[i] = [-0.0, 0.0, f64::NAN][i % 3];
        }
        let want = bits(&reference(&data));
        let pools: &[usize] = if cfg!(debug_assertions) {
            &[2]
        } else {
            &[1, 2]
        };
        for &threads in pools {
            each_path(|ctx, path| {
                let out = in_pool(threads, || sort_float64(&data, ctx)).expect("ok");
                assert!(bits(&out) == want, "{path} on {threads} threads");
            });
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx512_network_and_partition_match_scalar_code() {
        if !cpu::CpuPath::Avx512.is_supported() {
            return;
        }
        let mut s = 3u64;
        for len in 0..=128 {
            for modulus in [3, 1000, u64::MAX] {
                let data: Vec<i64> = (0..len)
                    .map(|_| {
                        ((xorshift(&mut s) % modulus) as i64).wrapping_sub((modulus / 2) as i64)
                    })
                    .collect();
                let mut got = data.clone();
                avx512::network_for_tests(&mut got);
                let mut want = data.clone();
                want.sort_unstable();
                assert_eq!(got, want, "network, {len} keys mod {modulus}");
                let mut bits = data.clone();
                avx512::network_to_bits_for_tests(&mut bits);
                let want: Vec<i64> = want.into_iter().map(key).collect();
                assert_eq!(bits, want, "network to bits, {len} keys mod {modulus}");
            }
        }
        for len in [0, 1, 7, 8, 9, 300] {
            let data = mixed(len, len as u64 + 5);
            let mut keys = vec![0; len];
            let mut nans = Vec::new();
            let written = avx512::to_keys(&data, &mut keys, &mut nans);
            let want: Vec<i64> = data
                .iter()
                .filter(|x| !x.is_nan())
                .map(|x| key(x.to_bits() as i64))
                .collect();
            assert_eq!(keys[..written], want[..], "keys of {len}");
            let want_nans: Vec<i64> = data
                .iter()
                .filter(|x| x.is_nan())
                .map(|x| x.to_bits() as i64)
                .collect();
            assert_eq!(nans, want_nans, "NaNs of {len}");
            let mut back = keys[..written].to_vec();
            avx512::from_keys(&mut back);
            let originals: Vec<i64> = data
                .iter()
                .filter(|x| !x.is_nan())
                .map(|x| x.to_bits() as i64)
                .collect();
            assert_eq!(back, originals, "back from keys, {len}");
        }
        for len in [1, 7, 8, 63, 64, 65, 100, 1000, 4097] {
            let data: Vec<i64> = (0..len)
                .map(|_| (xorshift(&mut s) % 200) as i64 - 100)
                .collect();
            for pivot in [-101, -100, -3, 0, 50, 99, 100] {
                let mut got = data.clone();
                let (mid, min, max) = avx512::partition_for_tests(&mut got, pivot);
                assert!(got[..mid].iter().all(|&x| x < pivot), "{len} {pivot}");
                assert!(got[mid..].iter().all(|&x| x >= pivot), "{len} {pivot}");
                let (mut a, mut b) = (got.clone(), data.clone());
                a.sort_unstable();
                b.sort_unstable();
                assert_eq!(a, b, "a permutation");
                assert_eq!(min, b[0]);
                assert_eq!(max, b[len - 1]);
            }
        }
    }

    /// The depth limit's fallback (`sort_unstable`, then the keys mapped back) on long and
    /// short segments, in parallel and on one thread.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx512_depth_limit_falls_back_to_a_sorted_result() {
        if !cpu::CpuPath::Avx512.is_supported() {
            return;
        }
        let ctx = Ctx::new(crate::CancelToken::new());
        for len in [200, 5000, 200_000] {
            for (name, data) in shapes(len, 11) {
                let data: Vec<f64> = data.into_iter().filter(|x| !x.is_nan()).collect();
                let want = bits(&reference(&data));
                for limit in [0, 1, 2] {
                    for threads in [1, 2] {
                        let mut keys: Vec<i64> =
                            data.iter().map(|x| key(x.to_bits() as i64)).collect();
                        let steps = ctx.steps(keys.len() as u64);
                        in_pool(threads, || {
                            avx512::sort_keys_with_limit_for_tests(&mut keys, limit, &steps)
                        })
                        .expect("ok");
                        let got: Vec<u64> = keys.iter().map(|&k| k as u64).collect();
                        assert!(
                            got == want,
                            "{name} {len}, limit {limit}, {threads} threads"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_cancelled_context_stops_it() {
        // On one thread too: the AVX-512 path makes and partitions its keys in one pass there.
        for threads in [1, 2] {
            in_pool(threads, || {
                each_path(|ctx, _| {
                    let cancelled = cancelled_ctx().with_cpu(ctx.cpu());
                    let data = mixed(1 << 20, 9);
                    assert_eq!(sort_float64(&data, &cancelled), Err(Cancelled));
                    assert_eq!(sort_float64(&[1.0], &cancelled), Err(Cancelled));
                    check_cancel_midway(|c, scale| {
                        let data = mixed((scale as usize) << 20, scale);
                        sort_float64(&data, &c.clone().with_cpu(ctx.cpu())).map(drop)
                    });
                })
            });
        }
    }

    #[test]
    fn reports_progress() {
        for threads in [1, 2] {
            in_pool(threads, || {
                each_path(|ctx, _| {
                    check_progress(|c, scale| {
                        let data = mixed((scale as usize) << 20, scale);
                        sort_float64(&data, &c.clone().with_cpu(ctx.cpu())).map(drop)
                    });
                })
            });
        }
    }
}
