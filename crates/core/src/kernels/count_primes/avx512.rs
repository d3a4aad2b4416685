//! The AVX-512 path: [`scalar`]'s bodies compiled with AVX-512 F/DQ/BW/VL enabled (64-byte
//! ANDs; popcount by nibble lookup on 64-byte vectors).

use super::scalar;

/// [`scalar::presieve`] with AVX-512.
///
/// # Safety
/// The CPU must support [`crate::cpu::AVX512_FEATURES`].
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
pub(super) unsafe fn presieve(seg: &mut [u8], first: u64) {
    scalar::presieve(seg, first);
}

/// [`scalar::popcount`] with AVX-512.
///
/// # Safety
/// The CPU must support [`crate::cpu::AVX512_FEATURES`].
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
pub(super) unsafe fn popcount(seg: &[u8]) -> u64 {
    scalar::popcount(seg)
}
