//! The portable micro-kernel: a 4×4 block of C in local variables (which the compiler keeps in
//! SSE2 registers on x86-64, two columns per register), plain `f64` arithmetic. Rust never
//! fuses `x + y * z`, so each element takes a rounded product and a rounded sum per k. The
//! reference the vector paths are tested against, with the naive loop.

/// Rows of C per block.
pub(super) const MR: usize = 4;
/// Columns of C per block.
pub(super) const NR: usize = 4;

/// The exact micro-kernel (see `MicroKernel` in the parent module for the contract).
///
/// # Safety
/// `a` holds `kc·MR` doubles, `b` holds `kc·NR`, and `c[r·ldc + j]` is valid for `r < MR`,
/// `j < NR`.
pub(super) unsafe fn exact(
    kc: usize,
    a: *const f64,
    b: *const f64,
    c: *mut f64,
    ldc: usize,
    accumulate: bool,
) {
    // SAFETY: the caller guarantees the lengths.
    let (a, b) = unsafe {
        (
            std::slice::from_raw_parts(a, kc * MR),
            std::slice::from_raw_parts(b, kc * NR),
        )
    };
    let mut acc = [[0.0f64; NR]; MR];
    if accumulate {
        for (r, row) in acc.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                // SAFETY: r < MR, j < NR.
                *v = unsafe { *c.add(r * ldc + j) };
            }
        }
    }
    for (ak, bk) in a.chunks_exact(MR).zip(b.chunks_exact(NR)) {
        for (row, &ark) in acc.iter_mut().zip(ak) {
            for (v, &bkj) in row.iter_mut().zip(bk) {
                *v += ark * bkj;
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            // SAFETY: r < MR, j < NR.
            unsafe { *c.add(r * ldc + j) = v };
        }
    }
}
