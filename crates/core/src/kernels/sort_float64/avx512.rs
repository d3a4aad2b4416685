//! The AVX-512 path: a vectorised quicksort of the `i64` keys, in place.
//!
//! The partition step works on 8 keys per vector, as x86-simd-sort (numpy's sort) and Gueron
//! and Krasnov's AVX quicksort do: compare a vector with the pivot, permute it so the keys
//! below the pivot come first and those at or above it last (one table-driven permutation), and
//! store the whole vector twice, at the left and at the right end of the free gap, so each
//! store's wanted keys land in place and the rest falls on free space that later stores cover.
//! Reading ahead a block of [`UNROLL`] vectors at each end before the loop, and then always the
//! next block from the end with less free space, keeps at least a vector's worth of free space
//! at both ends before every store, so no store overwrites a key not yet read; the last blocks,
//! stored once nothing is left to read, use masked stores of compressed vectors instead.
//! (Unmasked stores measured 0.97 → 0.57 ns per key in cache against the compress + masked store
//! pair, and compress-to-memory was slower still.) Segments of at most [`NETWORK_MAX`] keys are
//! sorted in registers by a bitonic network.
//!
//! Large segments are partitioned in parallel (one piece per thread, each around the same
//! pivot, then the misplaced middle blocks swapped) and their two sides sorted in parallel, so
//! every level of the recursion uses every thread; on one thread nothing is split or swapped.
//! The order of equal keys cannot show (equal keys are equal doubles), so the result never
//! depends on the thread count.

use std::arch::x86_64::*;

use crate::cancel::Cancelled;
use crate::ctx::Steps;

/// Keys per vector.
const LANES: usize = 8;

/// Vectors per block read by the partition loop.
const UNROLL: usize = 8;

/// The largest segment sorted by the in-register network (16 vectors).
const NETWORK_MAX: usize = 16 * LANES;

/// Segments up to this length are sorted on one thread, then counted as done: about half a
/// millisecond of work.
const SERIAL: usize = 1 << 16;

/// Pieces of a parallel partition are at least this long.
const PART_PIECE: usize = 1 << 16;

/// Sorts `keys` (the order-preserving `i64` keys of [`super::key`]) ascending, in parallel on
/// the current rayon pool, and leaves each as the bits of its double (a sorted part is mapped
/// back as soon as it is final, while it is still in registers or in cache, rather than in one
/// more pass over memory); advances `steps` by one unit per key.
///
/// The caller makes sure the CPU has the [`crate::cpu::CpuPath::Avx512`] features.
pub(super) fn sort_keys(keys: &mut [i64], steps: &Steps) -> Result<(), Cancelled> {
    par_qsort(keys, depth_limit(keys.len()), steps)
}

/// Levels of recursion before the quicksort falls back to `sort_unstable`: twice the depth
/// of a balanced one, and some.
fn depth_limit(len: usize) -> u32 {
    2 * usize::BITS.saturating_sub(len.leading_zeros()) + 8
}

fn par_qsort(keys: &mut [i64], limit: u32, steps: &Steps) -> Result<(), Cancelled> {
    if keys.len() <= SERIAL {
        // SAFETY: the caller checked that the CPU has the AVX-512 features.
        unsafe { qsort(keys, limit) };
        return steps.advance(keys.len() as u64);
    }
    steps.ctx().check()?;
    if limit == 0 {
        keys.sort_unstable();
        par_from_keys(keys);
        return steps.advance(keys.len() as u64);
    }
    // SAFETY: as above.
    let pivot = unsafe { pivot_of(keys) };
    let (mid, min, max) = par_partition(keys, pivot, pieces(), steps)?;
    sort_sides(keys, pivot, (mid, min, max), limit, steps)
}

/// Pieces of a parallel partition: one per thread (every split costs a swap of up to a quarter
/// of its keys).
fn pieces() -> usize {
    rayon::current_num_threads().next_power_of_two()
}

/// Sorts both sides of `keys`, partitioned around `pivot` into `split` = (where the keys at
/// or above it start, the smallest key, the largest key).
fn sort_sides(
    keys: &mut [i64],
    pivot: i64,
    (mid, min, max): (usize, i64, i64),
    limit: u32,
    steps: &Steps,
) -> Result<(), Cancelled> {
    let pieces = pieces();
    if min == max {
        par_from_keys(keys);
        return steps.advance(keys.len() as u64);
    }
    let mid = if pivot == min {
        // Nothing is below the pivot: split off the keys equal to it (all sorted) instead.
        // `pivot < max`, so `pivot + 1` does not overflow.
        let (mid, _, _) = par_partition(keys, pivot + 1, pieces, steps)?;
        let (left, right) = keys.split_at_mut(mid);
        par_from_keys(left);
        steps.advance(mid as u64)?;
        return par_qsort(right, limit - 1, steps);
    } else {
        mid
    };
    let (left, right) = keys.split_at_mut(mid);
    if pivot == max {
        // The right side holds only keys equal to the pivot.
        par_from_keys(right);
        steps.advance(right.len() as u64)?;
        return par_qsort(left, limit - 1, steps);
    }
    let (l, r) = rayon::join(
        || par_qsort(left, limit - 1, steps),
        || par_qsort(right, limit - 1, steps),
    );
    l.and(r)
}

/// Doubles per cancellation check of [`sort_doubles`]'s first pass.
const FIRST_PASS_CHUNK: usize = 1 << 16;

/// [`super::sort_float64`]'s whole key path on one thread, with the keys partitioned around a
/// first pivot as they are made: `src`'s doubles are read once and each key is written once,
/// below-pivot keys from the front of `dst` and the others from its back, where the key pass
/// and the first partition would each read and write all of memory. The NaNs' bits go last,
/// in input order. Returns `false` (with nothing written) for a short `src`, or when a sample of
/// it holds no key to pivot on; the caller then takes the two-pass path.
///
/// The caller makes sure the CPU has the [`crate::cpu::CpuPath::Avx512`] features, and `dst` is
/// as long as `src`.
pub(super) fn sort_doubles(src: &[f64], dst: &mut [i64], steps: &Steps) -> Result<bool, Cancelled> {
    let n = src.len();
    assert_eq!(dst.len(), n);
    if n < 2 * NETWORK_MAX {
        return Ok(false);
    }
    // The pivot: the median of the keys among 64 samples spread over `src`.
    let mut sample = [0i64; 64];
    let mut k = 0;
    for j in 0..64 {
        let x = src[j * n / 64 + n / 128];
        if !x.is_nan() {
            sample[k] = super::key(x.to_bits() as i64);
            k += 1;
        }
    }
    if k == 0 {
        return Ok(false);
    }
    // SAFETY: the caller checked the CPU.
    unsafe { sort_network::<false>(&mut sample[..k]) };
    let pivot = sample[k / 2];
    let (mut l, mut r) = (0, n);
    let mut nans = Vec::new();
    let (mut min, mut max) = (i64::MAX, i64::MIN);
    for chunk in src.chunks(FIRST_PASS_CHUNK) {
        // SAFETY: the caller checked the CPU; `l .. r` are the slots not yet written, one per
        // double not yet read plus one per NaN so far.
        unsafe {
            partition_from(
                chunk,
                dst.as_mut_ptr(),
                (&mut l, &mut r),
                pivot,
                (&mut min, &mut max),
                &mut nans,
            )
        };
        steps.advance(chunk.len() as u64)?;
    }
    // [below (l) | one free slot per NaN | at or above (n − r)]: the free slots take the last
    // keys at or above the pivot (their order is still free), and the NaNs the end.
    let moved = (r - l).min(n - r);
    dst.copy_within(n - moved..n, l);
    let keys = n - nans.len();
    dst[keys..].copy_from_slice(&nans);
    steps.advance(nans.len() as u64)?;
    sort_sides(
        &mut dst[..keys],
        pivot,
        (l, min, max),
        depth_limit(keys),
        steps,
    )?;
    Ok(true)
}

/// Keys of `src` (a part of the whole input) into `dst`: below `pivot` at `*l` on,
/// at or above it just below `*r`; NaN bits pushed to `nans`; `min`/`max` widened to the keys
/// seen.
///
/// # Safety
/// AVX-512; `dst` is valid for the whole input's length, and the slots `*l .. *r` are free:
/// there are `src.len()` of them at least (plus one per NaN pushed before).
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn partition_from(
    src: &[f64],
    dst: *mut i64,
    (l, r): (&mut usize, &mut usize),
    pivot: i64,
    (min, max): (&mut i64, &mut i64),
    nans: &mut Vec<i64>,
) {
    let n = src.len();
    let sp = src.as_ptr();
    // SAFETY: loads read `src[i .. i + 8]` masked to its end; every store writes free slots, as
    // the comments below show.
    unsafe {
        let pv = _mm512_set1_epi64(pivot);
        let mut vmin = _mm512_set1_epi64(*min);
        let mut vmax = _mm512_set1_epi64(*max);
        let mut i = 0;
        while i < n {
            let (keys, keep, nan) = load_keys(sp, i, n);
            vmin = _mm512_mask_min_epi64(vmin, keep, vmin, keys);
            vmax = _mm512_mask_max_epi64(vmax, keep, vmax, keys);
            let ge = _mm512_mask_cmpge_epi64_mask(keep, keys, pv);
            if keep == 0xff && *r - *l >= 2 * LANES {
                // At least 16 free slots: the whole-vector stores of `store_both` write 8 at each
                // end, and the right one's spare lanes stay clear of the left one's keys.
                let above = store_both(dst.add(*l), dst.add(*r), keys, ge);
                *l += LANES - above;
                *r -= above;
            } else {
                // Masked stores write only the keys kept: `below + above <= 8 <=` free slots
                // for the doubles read.
                let (below, above) = store_split(dst.add(*l), dst.add(*r), keys, keep, ge);
                *l += below;
                *r -= above;
                push_nans(sp, i, nan, nans);
            }
            i += LANES;
        }
        *min = _mm512_reduce_min_epi64(vmin);
        *max = _mm512_reduce_max_epi64(vmax);
    }
}

/// Maps a long run of final keys back to bits, in parallel.
fn par_from_keys(keys: &mut [i64]) {
    use rayon::prelude::*;
    keys.par_chunks_mut(PART_PIECE).for_each(from_keys);
}

/// Partitions `keys` around `pivot` (keys below it first), in up to `pieces` pieces in
/// parallel; returns where the keys at or above it start, and the smallest and largest key.
fn par_partition(
    keys: &mut [i64],
    pivot: i64,
    pieces: usize,
    steps: &Steps,
) -> Result<(usize, i64, i64), Cancelled> {
    if keys.len() <= 2 * PART_PIECE || pieces < 2 {
        steps.ctx().check()?;
        // SAFETY: the caller checked that the CPU has the AVX-512 features.
        return Ok(unsafe { partition(keys, pivot) });
    }
    let half = keys.len() / 2;
    let (a, b) = keys.split_at_mut(half);
    let (ra, rb) = rayon::join(
        || par_partition(a, pivot, pieces / 2, steps),
        || par_partition(b, pivot, pieces / 2, steps),
    );
    let ((i, min_a, max_a), (j, min_b, max_b)) = (ra?, rb?);
    // [below | at or above (half − i) | below (j) | at or above]: swap the shorter middle run
    // with the far end of the other one.
    let swap = (half - i).min(j);
    let (front, back) = keys.split_at_mut(half);
    let x = &mut front[i..i + swap];
    let y = &mut back[j - swap..j];
    use rayon::prelude::*;
    x.par_chunks_mut(PART_PIECE)
        .zip(y.par_chunks_mut(PART_PIECE))
        .for_each(|(x, y)| x.swap_with_slice(y));
    Ok((i + j, min_a.min(min_b), max_a.max(max_b)))
}

/// Sorts `keys` on this thread and maps them back to bits (see [`sort_keys`]); after `limit`
/// more levels of recursion it falls back to `sort_unstable` (which cannot go quadratic).
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn qsort(keys: &mut [i64], limit: u32) {
    if keys.len() <= NETWORK_MAX {
        // SAFETY: the features are enabled here too.
        unsafe { sort_network::<true>(keys) };
        return;
    }
    if limit == 0 {
        keys.sort_unstable();
        // SAFETY: as above.
        unsafe { from_keys_avx512(keys) };
        return;
    }
    // SAFETY: the features are enabled here too.
    let pivot = unsafe { pivot_of(keys) };
    // SAFETY: as above.
    let (mid, min, max) = unsafe { partition(keys, pivot) };
    if min == max {
        // SAFETY: as above.
        unsafe { from_keys_avx512(keys) };
        return;
    }
    if pivot == min {
        // SAFETY: as above; `pivot < max`, so `pivot + 1` does not overflow.
        let (mid, _, _) = unsafe { partition(keys, pivot + 1) };
        let (equal, right) = keys.split_at_mut(mid);
        // SAFETY: as above.
        unsafe {
            from_keys_avx512(equal);
            qsort(right, limit - 1);
        }
        return;
    }
    let (left, right) = keys.split_at_mut(mid);
    // SAFETY: as above.
    unsafe {
        qsort(left, limit - 1);
        if pivot != max {
            qsort(right, limit - 1);
        } else {
            from_keys_avx512(right);
        }
    }
}

/// A pivot: the median of 64 keys spread over `keys` (of 8 when it is short). It is one of the
/// keys, so partitioning around it leaves the right side non-empty.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn pivot_of(keys: &[i64]) -> i64 {
    let n = keys.len();
    if n >= 8 * NETWORK_MAX {
        let mut sample = [0i64; 64];
        for (k, s) in sample.iter_mut().enumerate() {
            *s = keys[k * n / 64 + n / 128];
        }
        // SAFETY: the features are enabled here too.
        unsafe { sort_network::<false>(&mut sample) };
        sample[32]
    } else {
        let mut sample = [0i64; 8];
        for (k, s) in sample.iter_mut().enumerate() {
            *s = keys[k * n / 8 + n / 16];
        }
        // SAFETY: as above.
        unsafe { sort_network::<false>(&mut sample) };
        sample[4]
    }
}

/// Stores the keys of `v` in the lanes `keep` below and at-or-above the pivot (`ge` marks the
/// latter, within `keep`) at `left` and just below `right`; returns how many were below and how
/// many at or above.
///
/// # Safety
/// AVX-512; `left .. left + below` and `right − above .. right` must be writable.
#[inline(always)]
unsafe fn store_split(
    left: *mut i64,
    right: *mut i64,
    v: __m512i,
    keep: __mmask8,
    ge: __mmask8,
) -> (usize, usize) {
    let lt = keep & !ge;
    let above = usize::from(POPCOUNT[usize::from(ge)]);
    let below = usize::from(POPCOUNT[usize::from(lt)]);
    // SAFETY: the caller's promise; masked stores write only the lanes they keep.
    unsafe {
        _mm512_mask_storeu_epi64(left, low_lanes(below), _mm512_maskz_compress_epi64(lt, v));
        _mm512_mask_storeu_epi64(
            right.sub(above),
            low_lanes(above),
            _mm512_maskz_compress_epi64(ge, v),
        );
    }
    (below, above)
}

/// Stores `v`'s keys below the pivot at `left` and those at or above it (`ge`) just below
/// `right`, with two full stores of one partitioned vector; returns how many were at or above.
///
/// # Safety
/// AVX-512; `left .. left + 8` and `right − 8 .. right` must be writable (free space: the lanes
/// a store writes beyond its keys are overwritten later).
#[inline(always)]
unsafe fn store_both(left: *mut i64, right: *mut i64, v: __m512i, ge: __mmask8) -> usize {
    let above = usize::from(POPCOUNT[usize::from(ge)]);
    // SAFETY: the caller's promise: both stores land in free space.
    unsafe {
        let perm =
            _mm512_cvtepu8_epi64(_mm_loadl_epi64(PARTITION[usize::from(ge)].as_ptr().cast()));
        let lr = _mm512_permutexvar_epi64(perm, v);
        _mm512_storeu_si512(left.cast(), lr);
        _mm512_storeu_si512(right.sub(LANES).cast(), lr);
    }
    above
}

/// For each mask of lanes at or above the pivot, the lane order that puts the others first and
/// those last (each group in lane order).
static PARTITION: [[u8; 8]; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut m = 0;
    while m < 256 {
        let mut k = 0;
        let mut lane = 0;
        while lane < 8 {
            if m & (1 << lane) == 0 {
                table[m][k] = lane as u8;
                k += 1;
            }
            lane += 1;
        }
        lane = 0;
        while lane < 8 {
            if m & (1 << lane) != 0 {
                table[m][k] = lane as u8;
                k += 1;
            }
            lane += 1;
        }
        m += 1;
    }
    table
};

/// Set bits of each byte: the baseline has no `popcnt`, and AVX-512 does not imply it.
static POPCOUNT: [u8; 256] = {
    let mut table = [0; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = (i as u32).count_ones() as u8;
        i += 1;
    }
    table
};

#[inline(always)]
fn low_lanes(n: usize) -> __mmask8 {
    ((1u32 << n) - 1) as __mmask8
}

/// Partitions `keys` around `pivot` on this thread: keys below it first. Returns where the
/// keys at or above it start, and the smallest and largest key.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn partition(keys: &mut [i64], pivot: i64) -> (usize, i64, i64) {
    let n = keys.len();
    let (mut lo, mut hi) = (0, n);
    let (mut min, mut max) = (i64::MAX, i64::MIN);
    // A scalar start leaves a multiple of a block of vectors, or fewer than two blocks'
    // worth, in `lo..hi`.
    let block = UNROLL * LANES;
    let rest = if n >= 2 * block { n % LANES } else { n };
    for _ in 0..rest {
        let x = keys[lo];
        (min, max) = (min.min(x), max.max(x));
        if x >= pivot {
            hi -= 1;
            keys.swap(lo, hi);
        } else {
            lo += 1;
        }
    }
    if lo == hi {
        return (lo, min, max);
    }
    let ptr = keys.as_mut_ptr();
    // SAFETY: every load reads LANES keys inside lo..hi not yet read; every store writes into
    // the free space (keys already read), as the module documentation explains: each end keeps
    // at least as much free space as the keys stored there next.
    unsafe {
        let pv = _mm512_set1_epi64(pivot);
        let mut vmin = _mm512_set1_epi64(min);
        let mut vmax = _mm512_set1_epi64(max);
        // Read ahead: a block at each end.
        let mut first = [_mm512_setzero_si512(); UNROLL];
        let mut last = [_mm512_setzero_si512(); UNROLL];
        for u in 0..UNROLL {
            first[u] = _mm512_loadu_si512(ptr.add(lo + u * LANES).cast());
            last[u] = _mm512_loadu_si512(ptr.add(hi - (u + 1) * LANES).cast());
        }
        // Stored keys go to `l_store ..` and `.. r_store`; unread keys are in `left .. right`.
        let (mut l_store, mut r_store) = (lo, hi);
        let (mut left, mut right) = (lo + block, hi - block);
        while right - left >= block {
            let src = if r_store - right < left - l_store {
                right -= block;
                right
            } else {
                left += block;
                left - block
            };
            // The whole block is read before any store: stores may land on it.
            let mut block_keys = [_mm512_setzero_si512(); UNROLL];
            for (u, v) in block_keys.iter_mut().enumerate() {
                *v = _mm512_loadu_si512(ptr.add(src + u * LANES).cast());
            }
            for v in block_keys {
                vmin = _mm512_min_epi64(vmin, v);
                vmax = _mm512_max_epi64(vmax, v);
                let ge = _mm512_cmpge_epi64_mask(v, pv);
                let above = store_both(ptr.add(l_store), ptr.add(r_store), v, ge);
                l_store += LANES - above;
                r_store -= above;
            }
        }
        while right > left {
            let src = if r_store - right < left - l_store {
                right -= LANES;
                right
            } else {
                left += LANES;
                left - LANES
            };
            let v = _mm512_loadu_si512(ptr.add(src).cast());
            vmin = _mm512_min_epi64(vmin, v);
            vmax = _mm512_max_epi64(vmax, v);
            let ge = _mm512_cmpge_epi64_mask(v, pv);
            let (below, above) = store_split(ptr.add(l_store), ptr.add(r_store), v, 0xff, ge);
            l_store += below;
            r_store -= above;
        }
        for v in first.into_iter().chain(last) {
            vmin = _mm512_min_epi64(vmin, v);
            vmax = _mm512_max_epi64(vmax, v);
            let ge = _mm512_cmpge_epi64_mask(v, pv);
            let (below, above) = store_split(ptr.add(l_store), ptr.add(r_store), v, 0xff, ge);
            l_store += below;
            r_store -= above;
        }
        debug_assert_eq!(l_store, r_store);
        (
            l_store,
            _mm512_reduce_min_epi64(vmin),
            _mm512_reduce_max_epi64(vmax),
        )
    }
}

/// Compare-exchange of `v` with the lanes `idx` of itself: the lanes in `hi` take the larger.
#[inline(always)]
unsafe fn exchange(v: __m512i, idx: __m512i, hi: __mmask8) -> __m512i {
    // SAFETY: AVX-512F, which the callers enable.
    unsafe {
        let p = _mm512_permutexvar_epi64(idx, v);
        _mm512_mask_blend_epi64(hi, _mm512_min_epi64(v, p), _mm512_max_epi64(v, p))
    }
}

/// Lane permutations: neighbours, pairs at distance 2, halves, and the mirror images used by
/// the bitonic sort of one vector.
#[inline(always)]
unsafe fn idx(lanes: [i64; 8]) -> __m512i {
    // SAFETY: AVX-512F, which the callers enable.
    unsafe { _mm512_loadu_si512(lanes.as_ptr().cast()) }
}

/// Sorts the 8 lanes of `v`.
#[inline(always)]
unsafe fn sort_vector(v: __m512i) -> __m512i {
    // SAFETY: AVX-512F, which the callers enable.
    unsafe {
        let swap1 = idx([1, 0, 3, 2, 5, 4, 7, 6]);
        let v = exchange(v, swap1, 0xaa);
        let v = exchange(v, idx([3, 2, 1, 0, 7, 6, 5, 4]), 0xcc);
        let v = exchange(v, swap1, 0xaa);
        let v = exchange(v, idx([7, 6, 5, 4, 3, 2, 1, 0]), 0xf0);
        let v = exchange(v, idx([2, 3, 0, 1, 6, 7, 4, 5]), 0xcc);
        exchange(v, swap1, 0xaa)
    }
}

/// Sorts the 8 lanes of a bitonic `v`: the half-cleaners at distances 4, 2 and 1.
#[inline(always)]
unsafe fn clean_vector(v: __m512i) -> __m512i {
    // SAFETY: AVX-512F, which the callers enable.
    unsafe {
        let v = exchange(v, idx([4, 5, 6, 7, 0, 1, 2, 3]), 0xf0);
        let v = exchange(v, idx([2, 3, 0, 1, 6, 7, 4, 5]), 0xcc);
        exchange(v, idx([1, 0, 3, 2, 5, 4, 7, 6]), 0xaa)
    }
}

/// Sorts `N` vectors (a power of two, at most 16) as one sequence of `8N` keys: each vector,
/// then bitonic merges of runs of 1, 2, 4 and 8 vectors.
///
/// Every loop below runs a number of times fixed by the const parameters, so the compiler
/// unrolls it all and keeps `v` in registers (a loop whose count doubles each time, or a
/// `step_by`, is not unrolled, and `v` then lives on the stack).
#[inline(always)]
unsafe fn sort_vectors<const N: usize>(v: &mut [__m512i; N]) {
    const { assert!(N <= 16) };
    // SAFETY: AVX-512F, which the callers enable.
    unsafe {
        for x in v.iter_mut() {
            *x = sort_vector(*x);
        }
        merge_runs::<N, 1>(v);
        merge_runs::<N, 2>(v);
        merge_runs::<N, 4>(v);
        merge_runs::<N, 8>(v);
    }
}

/// Merges each pair of sorted runs of `RUN` vectors into one sorted run (nothing when
/// `RUN >= N`).
#[inline(always)]
unsafe fn merge_runs<const N: usize, const RUN: usize>(v: &mut [__m512i; N]) {
    if RUN >= N {
        return;
    }
    // SAFETY: AVX-512F, which the callers enable.
    unsafe {
        let reverse = idx([7, 6, 5, 4, 3, 2, 1, 0]);
        let old = *v;
        for group in 0..N / (2 * RUN) {
            let base = group * 2 * RUN;
            // The first run's i-th key meets the second run's i-th key from the end: the smaller
            // ones form the first half and the larger ones the second, both bitonic.
            for j in 0..RUN {
                let a = old[base + j];
                let b = _mm512_permutexvar_epi64(reverse, old[base + 2 * RUN - 1 - j]);
                v[base + j] = _mm512_min_epi64(a, b);
                v[base + RUN + j] = _mm512_max_epi64(a, b);
            }
        }
        clean_across::<N, 4>(v, RUN);
        clean_across::<N, 2>(v, RUN);
        clean_across::<N, 1>(v, RUN);
        for x in v.iter_mut() {
            *x = clean_vector(*x);
        }
    }
}

/// The half-cleaner at a distance of `D` vectors, inside runs of `run` vectors (nothing when
/// `D >= run`).
#[inline(always)]
unsafe fn clean_across<const N: usize, const D: usize>(v: &mut [__m512i; N], run: usize) {
    if D >= run {
        return;
    }
    // SAFETY: AVX-512F, which the callers enable.
    unsafe {
        for i in 0..N {
            if i & D == 0 {
                let (a, b) = (v[i], v[i + D]);
                v[i] = _mm512_min_epi64(a, b);
                v[i + D] = _mm512_max_epi64(a, b);
            }
        }
    }
}

/// Sorts at most `8N` keys in `N` vectors, the missing ones padded with `i64::MAX`; with
/// `BITS`, stores them back as the bits of their doubles.
#[inline(always)]
unsafe fn sort_in_registers<const N: usize, const BITS: bool>(keys: &mut [i64]) {
    let n = keys.len();
    debug_assert!(n <= N * LANES);
    let ptr = keys.as_mut_ptr();
    // SAFETY: AVX-512F, which the callers enable; masked loads and stores touch only the keys
    // of `keys`.
    unsafe {
        let pad = _mm512_set1_epi64(i64::MAX);
        let mut v = [pad; N];
        for (i, x) in v.iter_mut().enumerate() {
            let start = i * LANES;
            if start < n {
                let mask = low_lanes((n - start).min(LANES));
                *x = _mm512_mask_loadu_epi64(pad, mask, ptr.add(start));
            }
        }
        sort_vectors(&mut v);
        for (i, x) in v.iter().enumerate() {
            let start = i * LANES;
            if start < n {
                let mask = low_lanes((n - start).min(LANES));
                let x = if BITS { key_flip(*x) } else { *x };
                _mm512_mask_storeu_epi64(ptr.add(start), mask, x);
            }
        }
    }
}

/// Sorts at most [`NETWORK_MAX`] keys in registers; with `BITS`, leaves the bits of their
/// doubles.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn sort_network<const BITS: bool>(keys: &mut [i64]) {
    let n = keys.len();
    // SAFETY: the features are enabled here too.
    unsafe {
        match n {
            0..=8 => sort_in_registers::<1, BITS>(keys),
            9..=16 => sort_in_registers::<2, BITS>(keys),
            17..=32 => sort_in_registers::<4, BITS>(keys),
            33..=64 => sort_in_registers::<8, BITS>(keys),
            _ => sort_in_registers::<16, BITS>(keys),
        }
    }
}

/// The doubles `src[i .. min(i + 8, n)]` as keys, with the lanes that hold a key (`keep`) and
/// those that hold a NaN.
///
/// # Safety
/// AVX-512; `src` points to `n` doubles and `i < n`.
#[inline(always)]
unsafe fn load_keys(src: *const f64, i: usize, n: usize) -> (__m512i, __mmask8, __mmask8) {
    // SAFETY: the caller's promise; the masked load reads only lanes below `n`.
    unsafe {
        let lanes = low_lanes((n - i).min(LANES));
        let v = _mm512_maskz_loadu_pd(lanes, src.add(i));
        let nan = _mm512_mask_cmp_pd_mask::<_CMP_UNORD_Q>(lanes, v, v);
        (key_flip(_mm512_castpd_si512(v)), lanes & !nan, nan)
    }
}

/// Pushes the bits of the NaNs among `src[i ..]` marked in `nan`, in order.
///
/// # Safety
/// Every lane marked in `nan` is a double of `src`.
#[inline(always)]
unsafe fn push_nans(src: *const f64, i: usize, nan: __mmask8, nans: &mut Vec<i64>) {
    for lane in 0..LANES {
        if nan & (1 << lane) != 0 {
            // SAFETY: the caller's promise.
            nans.push(unsafe { *src.add(i + lane) }.to_bits() as i64);
        }
    }
}

/// [`super::key`] in every lane (its own inverse: keys to bits and bits to keys alike).
#[inline(always)]
unsafe fn key_flip(k: __m512i) -> __m512i {
    // SAFETY: AVX-512F, which the callers enable.
    unsafe {
        let flip = _mm512_set1_epi64(i64::MAX);
        _mm512_xor_si512(k, _mm512_and_si512(_mm512_srai_epi64::<63>(k), flip))
    }
}

/// Writes the keys of `src`'s non-NaNs to the front of `dst` (as long as `src`) and pushes the
/// bits of its NaNs, in order, to `nans`; returns how many keys it wrote. The keys are those of
/// [`super::key`].
///
/// The caller makes sure the CPU has the [`crate::cpu::CpuPath::Avx512`] features.
pub(super) fn to_keys(src: &[f64], dst: &mut [i64], nans: &mut Vec<i64>) -> usize {
    assert_eq!(src.len(), dst.len());
    // SAFETY: the caller checked the CPU; the lengths match.
    unsafe { to_keys_avx512(src, dst, nans) }
}

#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn to_keys_avx512(src: &[f64], dst: &mut [i64], nans: &mut Vec<i64>) -> usize {
    let n = src.len();
    let (sp, dp) = (src.as_ptr(), dst.as_mut_ptr());
    let mut written = 0;
    let mut i = 0;
    // SAFETY: loads read `src[i .. i + 8]` (masked to its end); stores write `dst[written ..]`
    // with at most as many lanes as keys read so far, and `written <= i`.
    unsafe {
        while i < n {
            let (keys, keep, nan) = load_keys(sp, i, n);
            let count = usize::from(POPCOUNT[usize::from(keep)]);
            _mm512_mask_storeu_epi64(
                dp.add(written),
                low_lanes(count),
                _mm512_maskz_compress_epi64(keep, keys),
            );
            written += count;
            push_nans(sp, i, nan, nans);
            i += LANES;
        }
    }
    written
}

/// Maps keys back to the bits of their doubles, in place.
///
/// The caller makes sure the CPU has the [`crate::cpu::CpuPath::Avx512`] features.
pub(super) fn from_keys(keys: &mut [i64]) {
    // SAFETY: the caller checked the CPU.
    unsafe { from_keys_avx512(keys) }
}

#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
unsafe fn from_keys_avx512(keys: &mut [i64]) {
    let n = keys.len();
    let p = keys.as_mut_ptr();
    // SAFETY: masked loads and stores touch `keys[i .. i + 8]` up to its end only.
    unsafe {
        let mut i = 0;
        while i < n {
            let lanes = low_lanes((n - i).min(LANES));
            let k = _mm512_maskz_loadu_epi64(lanes, p.add(i));
            _mm512_mask_storeu_epi64(p.add(i), lanes, key_flip(k));
            i += LANES;
        }
    }
}

#[cfg(test)]
pub(super) fn network_for_tests(keys: &mut [i64]) {
    assert!(keys.len() <= NETWORK_MAX);
    assert!(crate::cpu::CpuPath::Avx512.is_supported());
    // SAFETY: checked just above.
    unsafe { sort_network::<false>(keys) }
}

#[cfg(test)]
pub(super) fn network_to_bits_for_tests(keys: &mut [i64]) {
    assert!(keys.len() <= NETWORK_MAX);
    assert!(crate::cpu::CpuPath::Avx512.is_supported());
    // SAFETY: checked just above.
    unsafe { sort_network::<true>(keys) }
}

#[cfg(test)]
pub(super) fn partition_for_tests(keys: &mut [i64], pivot: i64) -> (usize, i64, i64) {
    assert!(crate::cpu::CpuPath::Avx512.is_supported());
    // SAFETY: checked just above.
    unsafe { partition(keys, pivot) }
}

/// [`par_qsort`] with a given depth limit, so the tests reach the `sort_unstable` fallback.
#[cfg(test)]
pub(super) fn sort_keys_with_limit_for_tests(
    keys: &mut [i64],
    limit: u32,
    steps: &Steps,
) -> Result<(), Cancelled> {
    assert!(crate::cpu::CpuPath::Avx512.is_supported());
    par_qsort(keys, limit, steps)
}
