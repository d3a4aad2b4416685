//! The modulo-30 wheel: 30 numbers per sieve byte, and crossing off one prime's multiples.
//!
//! Byte `i` of the sieve stands for the eight numbers `30i + r`, r ∈ [`RESIDUES`] (those coprime
//! to 30); bit `k` for `30i + RESIDUES[k]`. A set bit is a candidate prime, a clear one a
//! composite. The multiples of a prime `p = 30q + r` that matter are `p·m` with `m` coprime to
//! 30 too, and `p·m` lies in byte `q·m + ⌊r·m/30⌋`: as `m` runs through one turn of the wheel
//! (eight values), the byte advances by fixed steps that depend only on `q` and on the residue
//! classes of `r` and `m`, and a whole turn advances it by exactly `p`.

/// The residues modulo 30 coprime to 30, one per bit of a sieve byte.
pub(super) const RESIDUES: [u64; 8] = [1, 7, 11, 13, 17, 19, 23, 29];

/// The multipliers of one wheel turn and the first of the next one.
const TURN: [u64; 9] = [1, 7, 11, 13, 17, 19, 23, 29, 31];

/// `BIT_OF[n % 30]`: the bit of a number `n` coprime to 30 in its byte (8 for the others).
pub(super) const BIT_OF: [u8; 30] = bit_of();

const fn bit_of() -> [u8; 30] {
    let mut table = [8u8; 30];
    let mut k = 0;
    while k < 8 {
        table[RESIDUES[k] as usize] = k as u8;
        k += 1;
    }
    table
}

/// `WHEEL_UP[n % 30]`: how far `n` lies below the next number coprime to 30 (0 when it is one),
/// and that number's wheel index.
pub(super) const WHEEL_UP: [(u8, u8); 30] = wheel_up();

const fn wheel_up() -> [(u8, u8); 30] {
    let mut table = [(0u8, 0u8); 30];
    let mut n = 0;
    while n < 30 {
        let mut k = 0;
        while TURN[k] < n as u64 {
            k += 1;
        }
        table[n] = ((TURN[k] - n as u64) as u8, (k % 8) as u8);
        n += 1;
    }
    table
}

/// For a prime whose residue modulo 30 is `RESIDUES[c]`, and a multiplier `m` at wheel index
/// `w`: the mask that clears the bit of `p·m` in its byte.
const MASKS: [[u8; 8]; 8] = masks();

const fn masks() -> [[u8; 8]; 8] {
    let mut table = [[0u8; 8]; 8];
    let mut c = 0;
    while c < 8 {
        let mut w = 0;
        while w < 8 {
            let bit = BIT_OF[(RESIDUES[c] * RESIDUES[w] % 30) as usize];
            table[c][w] = !(1u8 << bit);
            w += 1;
        }
        c += 1;
    }
    table
}

/// The byte step from the multiple at wheel index `w` to the next one is
/// `q·GAPS[w] + CARRIES[c][w]` for a prime `30q + RESIDUES[c]`.
const GAPS: [u64; 8] = gaps();

const fn gaps() -> [u64; 8] {
    let mut table = [0u64; 8];
    let mut w = 0;
    while w < 8 {
        table[w] = TURN[w + 1] - TURN[w];
        w += 1;
    }
    table
}

/// See [`GAPS`].
const CARRIES: [[u64; 8]; 8] = carries();

const fn carries() -> [[u64; 8]; 8] {
    let mut table = [[0u64; 8]; 8];
    let mut c = 0;
    while c < 8 {
        let r = RESIDUES[c];
        let mut w = 0;
        while w < 8 {
            table[c][w] = r * TURN[w + 1] / 30 - r * TURN[w] / 30;
            w += 1;
        }
        c += 1;
    }
    table
}

/// From the byte of `p·(30a + 1)`, the multiple `p·(30a + RESIDUES[j])` lies
/// `q·(RESIDUES[j] − 1) + LEADS[c][j]` bytes on.
const LEADS: [[u64; 8]; 8] = leads();

const fn leads() -> [[u64; 8]; 8] {
    let mut table = [[0u64; 8]; 8];
    let mut c = 0;
    while c < 8 {
        let mut j = 0;
        while j < 8 {
            table[c][j] = RESIDUES[c] * RESIDUES[j] / 30;
            j += 1;
        }
        c += 1;
    }
    table
}

/// Where a sieving prime's next multiple to cross off lies: byte offset from the start of the
/// current segment (low 29 bits) and the multiplier's wheel index (top 3 bits).
///
/// 29 bits suffice: an offset is below a group's length (at most 2^28 bytes) plus one wheel
/// step (less than p/4 < 2^25 for p < 2^27, the primes up to √2^53).
#[derive(Debug, Clone, Copy)]
pub(super) struct Next(u32);

const OFFSET_BITS: u32 = 29;

impl Next {
    pub(super) fn new(offset: u64, wheel: u8) -> Next {
        debug_assert!(offset < 1 << OFFSET_BITS && wheel < 8);
        Next(offset as u32 | u32::from(wheel) << OFFSET_BITS)
    }

    fn offset(self) -> usize {
        (self.0 & ((1 << OFFSET_BITS) - 1)) as usize
    }

    fn wheel(self) -> usize {
        (self.0 >> OFFSET_BITS) as usize
    }
}

/// The first multiple `p·m ≥ p²` of the prime `p` (`7 ≤ p < 2^27`) with `m` coprime to 30 whose
/// byte is at least `lo`, as a [`Next`] relative to byte `lo`. Precondition: `p²` lies below
/// byte `lo + 2^28` (its group, see [`Next`]).
pub(super) fn first_multiple(p: u64, lo: u64) -> Next {
    // Lossless: lo < 2^53 / 30, so 30·lo + p − 1 < 2^53.
    let m = p.max((30 * lo).div_ceil(p));
    let (up, wheel) = WHEEL_UP[(m % 30) as usize];
    let m = m + u64::from(up);
    // p·m < p·(⌈30·lo / p⌉ + 6) + p² < 2^64; its byte is at least lo as p·m ≥ 30·lo.
    Next::new((p * m) / 30 - lo, wheel)
}

/// Crosses off the multiples of the prime `p` (`7 ≤ p < 2^27`) in `seg` from `next` on, and
/// returns where the next one lies relative to the end of `seg`.
#[inline]
pub(super) fn cross_off(seg: &mut [u8], p: u32, next: Next) -> Next {
    let c = BIT_OF[(p % 30) as usize];
    match c {
        0 => cross::<0>(seg, p, next),
        1 => cross::<1>(seg, p, next),
        2 => cross::<2>(seg, p, next),
        3 => cross::<3>(seg, p, next),
        4 => cross::<4>(seg, p, next),
        5 => cross::<5>(seg, p, next),
        6 => cross::<6>(seg, p, next),
        _ => cross::<7>(seg, p, next),
    }
}

/// [`cross_off`] for a prime whose residue modulo 30 is `RESIDUES[C]`: the masks are constants.
#[inline(always)]
fn cross<const C: usize>(seg: &mut [u8], p: u32, next: Next) -> Next {
    let p = p as usize;
    let q = p / 30;
    let len = seg.len();
    let masks = MASKS[C];
    let steps: [usize; 8] = std::array::from_fn(|w| q * GAPS[w] as usize + CARRIES[C][w] as usize);
    let mut i = next.offset();
    let mut w = next.wheel();
    // One multiple at a time up to the start of a wheel turn.
    while w != 0 {
        if i >= len {
            return Next::new((i - len) as u64, w as u8);
        }
        seg[i] &= masks[w];
        i += steps[w];
        w = (w + 1) % 8;
    }
    // Whole turns: eight multiples at fixed distances from the turn's first, `p` bytes apart.
    let leads: [usize; 8] =
        std::array::from_fn(|j| q * (RESIDUES[j] as usize - 1) + LEADS[C][j] as usize);
    let last = leads[7];
    while i + last < len {
        // SAFETY: leads[j] ≤ leads[7] (both parts grow with j), so every index below is at
        // most i + last < len.
        unsafe {
            *seg.get_unchecked_mut(i + leads[0]) &= masks[0];
            *seg.get_unchecked_mut(i + leads[1]) &= masks[1];
            *seg.get_unchecked_mut(i + leads[2]) &= masks[2];
            *seg.get_unchecked_mut(i + leads[3]) &= masks[3];
            *seg.get_unchecked_mut(i + leads[4]) &= masks[4];
            *seg.get_unchecked_mut(i + leads[5]) &= masks[5];
            *seg.get_unchecked_mut(i + leads[6]) &= masks[6];
            *seg.get_unchecked_mut(i + leads[7]) &= masks[7];
        }
        i += p;
    }
    // The rest of the segment, one multiple at a time.
    while i < len {
        seg[i] &= masks[w];
        i += steps[w];
        w = (w + 1) % 8;
    }
    Next::new((i - len) as u64, w as u8)
}
