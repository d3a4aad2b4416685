use super::wheel::{cross_off, first_multiple, BIT_OF};
use super::*;
use crate::cpu;
use crate::kernels::test_support::{cancelled_ctx, check_cancel_midway, check_progress, in_pool};

fn pi(limit: u64) -> u64 {
    count_primes(limit, &Ctx::default()).expect("not cancelled")
}

fn pi_on(limit: u64, path: CpuPath) -> u64 {
    count_primes(limit, &Ctx::default().with_cpu(path)).expect("not cancelled")
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
    let got: Vec<u64> = (0..=11).map(pi).collect();
    assert_eq!(got, [0, 0, 0, 1, 2, 2, 3, 3, 4, 4, 4, 4]);
}

#[test]
fn powers_of_ten_on_every_path() {
    let expected = [4, 25, 168, 1229, 9592, 78498, 664579];
    for path in cpu::supported() {
        for (k, want) in (1..).zip(expected) {
            assert_eq!(pi_on(10u64.pow(k), path), want, "pi(10^{k}) on {path}");
        }
    }
    assert_eq!(pi(100_000_000), 5_761_455, "pi(10^8)");
}

/// π(10^9) and π(2^32): long in a debug build, so only optimised test runs check them.
#[cfg(not(debug_assertions))]
#[test]
fn large_known_values() {
    for path in cpu::supported() {
        assert_eq!(pi_on(1_000_000_000, path), 50_847_534, "on {path}");
        assert_eq!(pi_on(1 << 32, path), 203_280_221, "on {path}");
    }
}

#[test]
fn every_limit_below_10000_on_every_path() {
    let reference = reference_counts(10_001);
    for path in cpu::supported() {
        for limit in 0..=10_000u64 {
            assert_eq!(
                pi_on(limit, path),
                reference[limit as usize],
                "limit {limit} on {path}"
            );
        }
    }
}

#[test]
fn same_result_under_any_pool_size() {
    // 2·10^7 is 21 segments: groups of several segments under one thread, of one under three.
    for threads in [1, 2, 3] {
        let got = in_pool(threads, || pi(20_000_000));
        assert_eq!(got, 1_270_607, "{threads} threads");
    }
}

#[test]
fn limits_at_segment_boundaries() {
    // A segment spans 30·SEGMENT_BYTES integers; squares of primes near a boundary, and a
    // limit one past a prime, must land on the right side of it.
    let span = 30 * SEGMENT_BYTES;
    let top = 3 * span + 40;
    let reference = reference_counts(top as usize);
    for threads in [1, 2, 3] {
        in_pool(threads, || {
            for k in 1..=3 {
                for delta in [-31i64, -30, -29, -2, -1, 0, 1, 2, 29, 30, 31] {
                    let limit = (k * span).saturating_add_signed(delta);
                    assert_eq!(pi(limit), reference[limit as usize], "limit {limit}");
                }
            }
        });
    }
}

#[test]
fn limits_around_squares_of_sieving_primes() {
    // The first sieving prime is 307: its square and the squares of the next primes decide
    // whether a prime is a sieving prime at all.
    let top = 400 * 400 + 2;
    let reference = reference_counts(top);
    for p in [
        283u64, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367,
    ] {
        for limit in p * p - 2..=p * p + 2 {
            assert_eq!(pi(limit), reference[limit as usize], "limit {limit}");
        }
    }
}

#[test]
fn sieving_primes_are_the_primes_above_the_presieved_ones() {
    let ctx = Ctx::default();
    let steps = ctx.steps(1);
    let reference = reference_counts(3_000_001);
    for path in cpu::supported() {
        let simd = Simd::of(path);
        for n in [
            0,
            292,
            293,
            306,
            307,
            308,
            1000,
            30 * SEGMENT_BYTES + 1,
            3_000_000,
        ] {
            let primes = sieving_primes(n, simd, &steps).expect("not cancelled");
            assert!(primes.windows(2).all(|w| w[0] < w[1]));
            assert!(primes
                .iter()
                .all(|&p| u64::from(p) > presieve::LARGEST && u64::from(p) <= n));
            let want = reference[n as usize + 1].saturating_sub(presieve::PRIMES.len() as u64);
            assert_eq!(primes.len() as u64, want, "primes up to {n} on {path}");
        }
    }
}

#[test]
fn presieved_primes_are_the_primes_up_to_the_largest() {
    let reference = reference_counts(presieve::LARGEST as usize + 2);
    let mut want = Vec::new();
    for n in 2..=presieve::LARGEST {
        if reference[n as usize + 1] > reference[n as usize] {
            want.push(n);
        }
    }
    assert_eq!(presieve::PRIMES.to_vec(), want);
}

#[test]
fn patterns_clear_exactly_the_multiples_of_the_presieved_primes() {
    let mut seg = vec![0u8; 5000];
    let first = 123_456_789;
    scalar::presieve(&mut seg, first);
    for (i, &byte) in seg.iter().enumerate() {
        for (k, &r) in RESIDUES.iter().enumerate() {
            let n = 30 * (first + i as u64) + r;
            let composite = presieve::PRIMES[3..].iter().any(|&p| n.is_multiple_of(p));
            assert_eq!(byte >> k & 1 == 0, composite, "{n}");
        }
    }
}

#[test]
fn vector_paths_match_the_scalar_one() {
    let mut want = vec![0u8; SEGMENT_BYTES as usize];
    let mut got = vec![0u8; SEGMENT_BYTES as usize];
    for path in cpu::supported() {
        let simd = Simd::of(path);
        for (first, len) in [
            (0, 1),
            (7, 63),
            (17_016, 5),
            (99_999, 4097),
            (1 << 40, 32768),
        ] {
            scalar::presieve(&mut want[..len], first);
            simd.presieve(&mut got[..len], first);
            assert_eq!(want[..len], got[..len], "presieve from {first} on {path}");
            for start in [0, 1, 3] {
                let part = &want[start.min(len)..len];
                assert_eq!(
                    simd.popcount(part),
                    scalar::popcount(part),
                    "popcount on {path}"
                );
            }
        }
        let ones = vec![0xffu8; 1001];
        assert_eq!(simd.popcount(&ones), 8008, "popcount on {path}");
    }
}

#[test]
fn crossing_off_clears_exactly_the_multiples_from_p_squared() {
    // Primes of every residue class, small and near √2^53 (the largest sieving primes), at
    // segments near 0, near their squares and near the top of the range.
    let primes = [
        307u64, 311, 313, 317, 331, 337, 347, 349, 353, 359, 9_973, 94_906_249, 94_906_247,
        94_906_213,
    ];
    let len = 4096u64;
    for p in primes {
        assert!(
            (2..p.isqrt() + 1).all(|d| !p.is_multiple_of(d)),
            "{p} is prime"
        );
        for lo in [0, p * p / 30 - 100, p * p / 30 + 3, (1u64 << 53) / 30 - len] {
            if p * p / 30 >= lo + len {
                // The sieve starts a prime only in a group that holds its square.
                continue;
            }
            let mut seg = vec![0xffu8; len as usize];
            let mut next = first_multiple(p, lo);
            // Two passes over the same bytes: the second starts from where the first ended.
            next = cross_off(&mut seg[..len as usize / 2], p as u32, next);
            cross_off(&mut seg[len as usize / 2..], p as u32, next);
            for (i, &byte) in seg.iter().enumerate() {
                for (k, &r) in RESIDUES.iter().enumerate() {
                    let n = 30 * (lo + i as u64) + r;
                    let hit = n.is_multiple_of(p) && n >= p * p;
                    assert_eq!(byte >> k & 1 == 0, hit, "p {p}, n {n}");
                }
            }
        }
    }
    assert_eq!(BIT_OF[29], 7);
}

#[test]
fn a_cancelled_context_stops_it() {
    assert_eq!(count_primes(1 << 53, &cancelled_ctx()), Err(Cancelled));
    assert_eq!(count_primes(10, &cancelled_ctx()), Err(Cancelled));
    check_cancel_midway(|ctx, scale| count_primes(scale * 2_000_000_000, ctx).map(drop));
}

#[test]
fn reports_progress() {
    check_progress(|ctx, scale| count_primes(scale * 300_000_000, ctx).map(drop));
}
