//! The AVX2 path: [`scalar`]'s bodies compiled with AVX2 enabled (32-byte ANDs; popcount by
//! nibble lookup with `vpshufb` and `vpsadbw`, which the compiler picks for this loop).

use super::scalar;

/// [`scalar::presieve`] with AVX2.
///
/// # Safety
/// The CPU must support AVX2 and FMA ([`crate::cpu::AVX2_FEATURES`]).
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn presieve(seg: &mut [u8], first: u64) {
    scalar::presieve(seg, first);
}

/// [`scalar::popcount`] with AVX2.
///
/// # Safety
/// The CPU must support AVX2 and FMA ([`crate::cpu::AVX2_FEATURES`]).
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn popcount(seg: &[u8]) -> u64 {
    scalar::popcount(seg)
}
