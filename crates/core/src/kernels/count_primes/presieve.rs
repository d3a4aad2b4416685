//! Pre-sieving: a segment starts as the AND of precomputed periodic patterns that already
//! cross off the multiples of every prime from 7 to 293.
//!
//! Crossing those primes off one multiple at a time would cost more than all larger primes
//! together (the number of crossings falls like 1/p). Each pattern covers a few primes whose
//! product `P` is its period in bytes (30·P numbers, a multiple of 30 and of each prime), small
//! enough that all the patterns (~300 KB) stay in the L2 cache beside the segment.

use std::sync::OnceLock;

use super::wheel::BIT_OF;

/// The primes the patterns cross off, grouped by pattern.
const GROUPS: [&[u64]; 27] = [
    &[7, 11, 13, 17],
    &[19, 23, 29],
    &[31, 37, 41],
    &[43, 47, 53],
    &[59, 163],
    &[61, 157],
    &[67, 151],
    &[71, 149],
    &[73, 139],
    &[79, 137],
    &[83, 131],
    &[89, 127],
    &[97, 113],
    &[101, 109],
    &[103, 107],
    &[167, 293],
    &[173, 283],
    &[179, 281],
    &[181, 277],
    &[191, 271],
    &[193, 269],
    &[197, 263],
    &[199, 257],
    &[211, 251],
    &[223, 241],
    &[227, 239],
    &[229, 233],
];

/// The largest pre-sieved prime; the sieve crosses off the larger ones.
pub(super) const LARGEST: u64 = 293;

/// The primes below [`LARGEST`] + 1, which the patterns mark as composite (they are
/// multiples of themselves) and the wheel leaves out (2, 3 and 5): the caller counts them.
pub(super) const PRIMES: [u64; presieved_count()] = presieved();

const fn presieved_count() -> usize {
    let mut count = 3;
    let mut g = 0;
    while g < GROUPS.len() {
        count += GROUPS[g].len();
        g += 1;
    }
    count
}

/// 2, 3, 5 and the primes of [`GROUPS`], ascending.
const fn presieved() -> [u64; presieved_count()] {
    let mut primes = [0u64; presieved_count()];
    primes[0] = 2;
    primes[1] = 3;
    primes[2] = 5;
    let mut n = 3;
    let mut g = 0;
    while g < GROUPS.len() {
        let mut k = 0;
        while k < GROUPS[g].len() {
            // Insertion sort.
            let p = GROUPS[g][k];
            let mut i = n;
            while i > 0 && primes[i - 1] > p {
                primes[i] = primes[i - 1];
                i -= 1;
            }
            primes[i] = p;
            n += 1;
            k += 1;
        }
        g += 1;
    }
    primes
}

/// The patterns, built on first use (in well under a millisecond).
pub(super) fn patterns() -> &'static [Box<[u8]>] {
    static PATTERNS: OnceLock<Vec<Box<[u8]>>> = OnceLock::new();
    PATTERNS.get_or_init(|| GROUPS.iter().map(|group| pattern(group)).collect())
}

/// Byte `i` of the pattern of `primes`: the sieve byte `i` with the multiples of `primes`
/// cleared.
fn pattern(primes: &[u64]) -> Box<[u8]> {
    let period: u64 = primes.iter().product();
    let mut bytes = vec![0xffu8; period as usize];
    for &p in primes {
        // Every odd multiple below 30·period; those coprime to 30 own a bit.
        for n in (p..30 * period).step_by(2 * p as usize) {
            let bit = BIT_OF[(n % 30) as usize];
            if bit < 8 {
                bytes[(n / 30) as usize] &= !(1 << bit);
            }
        }
    }
    bytes.into_boxed_slice()
}

/// Calls `f(part_of_seg, part_of_pattern)` over `seg`, whose byte 0 is the sieve's byte
/// `first`, paired with the periodic `pattern` (wrapping around at its end).
#[inline(always)]
pub(super) fn zip_periodic(
    seg: &mut [u8],
    pattern: &[u8],
    first: u64,
    mut f: impl FnMut(&mut [u8], &[u8]),
) {
    let period = pattern.len();
    // Lossless: the remainder is below the period.
    let mut offset = (first % period as u64) as usize;
    let mut rest = seg;
    while !rest.is_empty() {
        let n = rest.len().min(period - offset);
        let (head, tail) = rest.split_at_mut(n);
        f(head, &pattern[offset..offset + n]);
        rest = tail;
        offset = 0;
    }
}
