//! The CPU code path: which instruction-set level the kernels use, chosen at run time.
//!
//! The binary is built for the architecture's baseline (x86-64: SSE2), so nothing faster runs
//! unless a kernel asks for it. Each kernel with vector paths keeps a portable scalar twin and
//! picks a path from its job's [`Ctx::cpu`](crate::Ctx::cpu); fast paths are functions with
//! `#[target_feature(enable = …)]`, called only when the CPU has those features.
//!
//! The process-wide choice ([`active`]) is detected once and cached in an atomic, as memchr does;
//! [`force`] replaces it with a slower path the CPU supports (the binding's `SPINDLE_CPU`). Tests
//! do not touch the global: they build a context per path with
//! [`Ctx::with_cpu`](crate::Ctx::with_cpu) for every path in [`supported`].
//!
//! Where the exact-result contract holds (mandelbrot, matmul `'exact'`, sort, countPrimes,
//! sha256), every path gives the scalar twin's bits: lane-wise IEEE mul/add, never FMA or a
//! reordered sum.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

/// A code path: an instruction-set level the kernels have code for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CpuPath {
    /// Portable code only: the architecture's baseline (SSE2 on x86-64).
    Baseline,
    /// x86-64 with AVX2 and FMA (Haswell and later, Zen and later).
    Avx2,
    /// x86-64 with AVX-512 F, DQ, BW and VL, besides AVX2 and FMA (Skylake-SP, Ice Lake, Zen 4 and
    /// later).
    Avx512,
    /// aarch64 with NEON (every aarch64 CPU).
    Neon,
}

/// The `target_feature` list a function on the [`CpuPath::Avx2`] path may enable.
pub const AVX2_FEATURES: &str = "avx2,fma";
/// The `target_feature` list a function on the [`CpuPath::Avx512`] path may enable.
pub const AVX512_FEATURES: &str = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma";

impl CpuPath {
    /// Every path, slowest first.
    pub const ALL: [CpuPath; 4] = [
        CpuPath::Baseline,
        CpuPath::Avx2,
        CpuPath::Avx512,
        CpuPath::Neon,
    ];

    /// The path's name, as `SPINDLE_CPU` and `backend().cpu` spell it.
    pub fn name(self) -> &'static str {
        match self {
            CpuPath::Baseline => "baseline",
            CpuPath::Avx2 => "avx2",
            CpuPath::Avx512 => "avx512",
            CpuPath::Neon => "neon",
        }
    }

    /// The path named `name` (as [`CpuPath::name`] spells it), whether or not this CPU has it.
    pub fn parse(name: &str) -> Option<CpuPath> {
        CpuPath::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether this CPU can run the path's code.
    pub fn is_supported(self) -> bool {
        match self {
            CpuPath::Baseline => true,
            CpuPath::Avx2 => has_avx2(),
            CpuPath::Avx512 => has_avx512(),
            CpuPath::Neon => has_neon(),
        }
    }

    fn code(self) -> u8 {
        self as u8 + 1
    }

    fn from_code(code: u8) -> Option<CpuPath> {
        CpuPath::ALL.into_iter().find(|p| p.code() == code)
    }
}

impl fmt::Display for CpuPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(not(target_arch = "x86_64"))]
fn has_avx2() -> bool {
    false
}

#[cfg(target_arch = "x86_64")]
fn has_avx512() -> bool {
    has_avx2()
        && std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512dq")
        && std::arch::is_x86_feature_detected!("avx512bw")
        && std::arch::is_x86_feature_detected!("avx512vl")
}

#[cfg(not(target_arch = "x86_64"))]
fn has_avx512() -> bool {
    false
}

#[cfg(target_arch = "aarch64")]
fn has_neon() -> bool {
    std::arch::is_aarch64_feature_detected!("neon")
}

#[cfg(not(target_arch = "aarch64"))]
fn has_neon() -> bool {
    false
}

/// Every path this CPU supports, slowest first; the last is [`detected`].
pub fn supported() -> Vec<CpuPath> {
    CpuPath::ALL
        .into_iter()
        .filter(|p| p.is_supported())
        .collect()
}

/// The fastest path this CPU supports.
pub fn detected() -> CpuPath {
    supported().pop().unwrap_or(CpuPath::Baseline)
}

/// 0 until the first [`active`] or [`force`]; then the chosen path's code.
static ACTIVE: AtomicU8 = AtomicU8::new(0);

/// The process-wide path: [`detected`] unless [`force`] chose another. Detected once; later
/// calls are one atomic load.
pub fn active() -> CpuPath {
    if let Some(path) = CpuPath::from_code(ACTIVE.load(Ordering::Relaxed)) {
        return path;
    }
    let path = detected();
    // Another thread may have forced a path meanwhile: keep its choice.
    let _ = ACTIVE.compare_exchange(0, path.code(), Ordering::Relaxed, Ordering::Relaxed);
    CpuPath::from_code(ACTIVE.load(Ordering::Relaxed)).unwrap_or(path)
}

/// Why [`force`] refused a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported(pub CpuPath);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "this CPU cannot run the '{}' code path (it supports: {})",
            self.0,
            supported()
                .iter()
                .map(|p| p.name())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl std::error::Error for Unsupported {}

/// Makes `path` the process-wide path for jobs started from now on. Refuses a path this CPU
/// cannot run: forcing is for choosing a slower path (tests, comparisons), never a faster one.
pub fn force(path: CpuPath) -> Result<(), Unsupported> {
    if !path.is_supported() {
        return Err(Unsupported(path));
    }
    ACTIVE.store(path.code(), Ordering::Relaxed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for path in CpuPath::ALL {
            assert_eq!(CpuPath::parse(path.name()), Some(path));
            assert_eq!(CpuPath::from_code(path.code()), Some(path));
        }
        assert_eq!(CpuPath::parse("sse9"), None);
        assert_eq!(CpuPath::from_code(0), None);
    }

    #[test]
    fn baseline_is_always_supported_and_detected_is_the_fastest() {
        let paths = supported();
        assert_eq!(paths.first(), Some(&CpuPath::Baseline));
        assert_eq!(paths.last(), Some(&detected()));
        assert!(paths.iter().all(|p| p.is_supported()));
    }

    #[test]
    fn x86_and_arm_paths_never_mix() {
        let paths = supported();
        assert!(!(paths.contains(&CpuPath::Neon) && paths.contains(&CpuPath::Avx2)));
        if paths.contains(&CpuPath::Avx512) {
            assert!(paths.contains(&CpuPath::Avx2));
        }
    }
}
