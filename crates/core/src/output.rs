//! Result buffers: the vectors a kernel hands back to JavaScript.
//!
//! A result of many megabytes is new memory on every call (JavaScript owns it once it is
//! returned, and the allocator gives large blocks back to the system when they are freed), so
//! every 4 KiB page of it costs a page fault when the kernel first writes it: on the reference
//! machine, 4.4–5.3 ms for 10 MiB, against 1.4–1.9 ms when the same memory is faulted in as
//! 2 MiB transparent huge pages. [`zeroed`] asks Linux for huge pages (`MADV_HUGEPAGE`, which
//! also works where the system's setting is `madvise`, the common default) before the first
//! write, as numpy does for its large arrays. Elsewhere, and for small buffers, it is a plain
//! zeroed vector.

/// Buffers smaller than this gain nothing: the advice covers only whole, aligned 2 MiB pages.
#[cfg(target_os = "linux")]
const HUGE_MIN_BYTES: usize = 4 << 20;

/// The size and alignment of a transparent huge page on x86-64 and aarch64 (4 KiB base pages).
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 << 20;

/// A vector of `len` zeros, its memory advised to use huge pages when it is large.
///
/// The zeros come from the allocator's zeroed allocation, which leaves fresh pages untouched
/// (the system gives them zeroed), so the advice still reaches their first fault, which is the
/// kernel's own write: nothing writes the buffer twice.
pub fn zeroed<T: Copy + Default>(len: usize) -> Vec<T> {
    #[allow(unused_mut)]
    let mut v = vec![T::default(); len];
    #[cfg(target_os = "linux")]
    advise_huge(
        v.as_mut_ptr().cast::<u8>(),
        len.saturating_mul(size_of::<T>()),
    );
    v
}

/// Advises the whole huge pages inside `ptr .. ptr + bytes` to be huge pages. A hint: failure
/// (an old kernel, huge pages disabled) changes nothing but speed, so it is ignored.
#[cfg(target_os = "linux")]
fn advise_huge(ptr: *mut u8, bytes: usize) {
    if bytes < HUGE_MIN_BYTES {
        return;
    }
    let start = (ptr as usize).next_multiple_of(HUGE_PAGE);
    let end = (ptr as usize + bytes) / HUGE_PAGE * HUGE_PAGE;
    if end > start {
        // SAFETY: `start .. end` lies inside the caller's allocation of `bytes` bytes at `ptr`;
        // MADV_HUGEPAGE changes only how its pages are backed, never their contents.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn zeroed_gives_zeros_of_every_size() {
        for len in [
            0,
            1,
            7,
            1000,
            (4 << 20) / 8 - 1,
            (4 << 20) / 8,
            (10 << 20) / 8 + 3,
        ] {
            let v: Vec<f64> = zeroed(len);
            assert_eq!(v.len(), len);
            assert!(v.iter().all(|x| x.to_bits() == 0), "{len}");
            let w: Vec<u32> = zeroed(len);
            assert!(w.len() == len && w.iter().all(|&x| x == 0), "{len}");
        }
    }
}
