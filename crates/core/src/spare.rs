//! Spare buffers: large copy and scratch buffers handed from one job to the next.
//!
//! Every kernel call copies its typed-array inputs (on the JavaScript thread) and some need a
//! scratch buffer as large as their input. Inside Node, glibc gives each such buffer fresh pages
//! and returns them when it is freed (a freed chunk of a megabyte or more is unmapped or trimmed
//! off the heap), so every call pays a page fault per 4 KiB: `matmul` of two 352×352 matrices
//! spent 3.6 ms of the JavaScript thread's time per pair of calls on its 1 MiB copies, and
//! 0.7 ms with this store.
//!
//! A [`Spares`] keeps buffers of at least [`MIN_BYTES`] that jobs give back, up to
//! [`MAX_KEPT_BYTES`] in all, and lends them out again. What it keeps is freed once no buffer has
//! come back for [`IDLE`] (a short-lived thread of its own waits for that), and at once by
//! [`Spares::release`] (`shutdown()`), so an idle process does not hold the memory.

use std::collections::TryReserveError;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Smaller buffers come from the allocator's own free lists anyway: not worth keeping.
pub const MIN_BYTES: usize = 256 << 10;

/// The most one [`Spares`] keeps: for [`FLOATS`], the copies and scratch of two concurrent
/// `sortFloat64` calls of 2 M doubles each.
pub const MAX_KEPT_BYTES: usize = 64 << 20;

/// Kept buffers are freed when none has come back for this long.
pub const IDLE: Duration = Duration::from_secs(2);

/// Spare byte buffers (copies of `Uint8Array` inputs).
pub static BYTES: Spares<u8> = Spares::new();

/// Spare `f64` buffers (copies of `Float64Array` inputs, sort scratch).
pub static FLOATS: Spares<f64> = Spares::new();

/// Element types with a store of their own ([`BYTES`], [`FLOATS`]).
pub trait Pooled: Copy + Send + 'static {
    /// The store for this element type.
    fn spares() -> &'static Spares<Self>;
}

impl Pooled for u8 {
    fn spares() -> &'static Spares<u8> {
        &BYTES
    }
}

impl Pooled for f64 {
    fn spares() -> &'static Spares<f64> {
        &FLOATS
    }
}

/// A store of spare `Vec<T>`s; see the module documentation.
#[derive(Debug)]
pub struct Spares<T> {
    state: Mutex<State<T>>,
}

#[derive(Debug)]
struct State<T> {
    kept: Vec<Vec<T>>,
    /// Bytes of capacity in `kept`.
    bytes: usize,
    /// When a buffer last came back.
    last_given: Option<Instant>,
    /// Whether a thread is waiting to free `kept` after [`IDLE`].
    reaper: bool,
}

impl<T: Copy + Send + 'static> Spares<T> {
    /// An empty store.
    pub const fn new() -> Self {
        Spares {
            state: Mutex::new(State {
                kept: Vec::new(),
                bytes: 0,
                last_given: None,
                reaper: false,
            }),
        }
    }

    /// An empty buffer with room for at least `len` elements: a kept one when one fits (the
    /// smallest that does, and not more than four times too large), else a new allocation.
    /// It comes back here when dropped.
    pub fn take(&'static self, len: usize) -> Spare<T> {
        let vec = self.kept_fit(len).map_or_else(
            || Vec::with_capacity(len),
            |mut v| {
                v.clear();
                v
            },
        );
        Spare { vec, home: self }
    }

    /// A buffer of `len` elements whose values are unspecified: a kept buffer as it came back
    /// (cut or extended to `len`), or a new one of zeros. For scratch the caller overwrites
    /// before reading, which then pays neither for clearing it nor for fresh pages.
    pub fn take_scratch(&'static self, len: usize) -> Spare<T>
    where
        T: Default,
    {
        let vec = match self.kept_fit(len) {
            Some(mut v) => {
                v.truncate(len);
                v.resize(len, T::default());
                v
            }
            None => vec![T::default(); len],
        };
        Spare { vec, home: self }
    }

    /// [`Spares::take`], with an error instead of the process abort a failed new allocation
    /// would be.
    pub fn try_take(&'static self, len: usize) -> Result<Spare<T>, TryReserveError> {
        let vec = match self.kept_fit(len) {
            Some(mut vec) => {
                vec.clear();
                vec
            }
            None => {
                let mut vec = Vec::new();
                vec.try_reserve_exact(len)?;
                vec
            }
        };
        Ok(Spare { vec, home: self })
    }

    /// The smallest kept buffer with room for `len` elements, not more than four times too
    /// large, as it came back; `None` for a small `len`.
    fn kept_fit(&self, len: usize) -> Option<Vec<T>> {
        if bytes_of::<T>(len) < MIN_BYTES {
            return None;
        }
        let mut state = self.lock();
        let best = state
            .kept
            .iter()
            .enumerate()
            .filter(|(_, v)| v.capacity() >= len && v.capacity() / 4 <= len)
            .min_by_key(|(_, v)| v.capacity())
            .map(|(i, _)| i)?;
        let v = state.kept.swap_remove(best);
        state.bytes -= bytes_of::<T>(v.capacity());
        Some(v)
    }

    /// A buffer holding a copy of `src`.
    pub fn copy_of(&'static self, src: &[T]) -> Spare<T> {
        let mut spare = self.take(src.len());
        spare.extend_from_slice(src);
        spare
    }

    /// Frees every kept buffer now.
    pub fn release(&self) {
        let kept = {
            let mut state = self.lock();
            state.bytes = 0;
            std::mem::take(&mut state.kept)
        };
        drop(kept);
    }

    /// Bytes of capacity kept right now.
    pub fn kept_bytes(&self) -> usize {
        self.lock().bytes
    }

    fn give(&'static self, vec: Vec<T>) {
        let size = bytes_of::<T>(vec.capacity());
        if size < MIN_BYTES {
            return;
        }
        let mut state = self.lock();
        if state.bytes + size > MAX_KEPT_BYTES {
            drop(state);
            return;
        }
        if !state.reaper {
            let spawned = std::thread::Builder::new()
                .name("spindle-spares".into())
                .spawn(move || self.reap());
            if spawned.is_err() {
                // No thread to free it later: do not keep it at all.
                return;
            }
            state.reaper = true;
        }
        state.kept.push(vec);
        state.bytes += size;
        state.last_given = Some(Instant::now());
    }

    /// The reaper thread: frees everything once no buffer came back for [`IDLE`], then exits.
    fn reap(&'static self) {
        loop {
            let wait = {
                let mut state = self.lock();
                let since = state.last_given.map_or(IDLE, |t| t.elapsed());
                if since >= IDLE || state.kept.is_empty() {
                    state.reaper = false;
                    state.bytes = 0;
                    let kept = std::mem::take(&mut state.kept);
                    drop(state);
                    drop(kept);
                    return;
                }
                IDLE - since
            };
            std::thread::sleep(wait);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // The state stays consistent under a panic (every update is a single step).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Copy + Send + 'static> Default for Spares<T> {
    fn default() -> Self {
        Self::new()
    }
}

fn bytes_of<T>(len: usize) -> usize {
    len.saturating_mul(std::mem::size_of::<T>())
}

/// A buffer lent by a [`Spares`]; derefs to its `Vec` and goes back when dropped.
#[derive(Debug)]
pub struct Spare<T: Copy + Send + 'static> {
    vec: Vec<T>,
    home: &'static Spares<T>,
}

impl<T: Copy + Send + 'static> Deref for Spare<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.vec
    }
}

impl<T: Copy + Send + 'static> DerefMut for Spare<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.vec
    }
}

impl<T: Copy + Send + 'static> AsRef<[T]> for Spare<T> {
    fn as_ref(&self) -> &[T] {
        &self.vec
    }
}

impl<T: Copy + Send + 'static> Drop for Spare<T> {
    fn drop(&mut self) {
        self.home.give(std::mem::take(&mut self.vec));
    }
}

#[cfg(test)]
mod test {
    use super::*;

    // Each test has a store of its own: the statics are shared by every test thread.
    fn store() -> &'static Spares<u8> {
        Box::leak(Box::new(Spares::new()))
    }

    const BIG: usize = MIN_BYTES * 2;

    /// A store keeping one buffer of `BIG` sevens, and where that buffer's memory is.
    fn store_keeping_one() -> (&'static Spares<u8>, *const u8) {
        let spares = store();
        let first = spares.copy_of(&vec![7; BIG]);
        let ptr = first.as_ptr();
        drop(first);
        (spares, ptr)
    }

    #[test]
    fn a_given_back_buffer_is_lent_again_without_a_new_allocation() {
        let (spares, ptr) = store_keeping_one();
        assert_eq!(spares.kept_bytes(), BIG);
        let again = spares.take(BIG - 10);
        assert_eq!(again.as_ptr(), ptr);
        assert!(again.is_empty(), "lent buffers start empty");
        assert_eq!(spares.kept_bytes(), 0);
    }

    #[test]
    fn try_take_lends_kept_buffers_and_reports_an_impossible_allocation() {
        let (spares, ptr) = store_keeping_one();
        let again = spares.try_take(BIG).expect("a kept buffer");
        assert_eq!(again.as_ptr(), ptr);
        assert!(again.is_empty());
        assert!(spares.try_take(usize::MAX / 2).is_err());
        let small = spares.try_take(10).expect("a small allocation");
        assert!(small.capacity() >= 10 && small.is_empty());
    }

    #[test]
    fn take_scratch_lends_kept_buffers_uncleared_at_the_length_asked() {
        let (spares, ptr) = store_keeping_one();
        let shorter = spares.take_scratch(BIG - 10);
        assert_eq!(shorter.as_ptr(), ptr);
        assert!(shorter.len() == BIG - 10 && shorter.iter().all(|&x| x == 7));
        drop(shorter);
        let longer = spares.take_scratch(BIG);
        assert_eq!(longer.as_ptr(), ptr);
        assert_eq!(longer.len(), BIG);
        assert_eq!(
            (longer[BIG - 11], longer[BIG - 10]),
            (7, 0),
            "extended with zeros"
        );
        let fresh = spares.take_scratch(BIG);
        assert!(fresh.len() == BIG && fresh.iter().all(|&x| x == 0));
    }

    #[test]
    fn small_buffers_and_far_too_large_ones_are_not_used() {
        let spares = store();
        drop(spares.take(MIN_BYTES / 2));
        assert_eq!(spares.kept_bytes(), 0, "small buffers are not kept");
        drop(spares.take(BIG * 8));
        let small = spares.take(BIG);
        assert!(
            small.capacity() < BIG * 8,
            "a buffer 8× too large is not lent"
        );
        assert_eq!(spares.kept_bytes(), BIG * 8);
    }

    #[test]
    fn at_most_max_kept_bytes_are_kept_and_release_frees_them() {
        let spares = store();
        let held: Vec<_> = (0..5).map(|_| spares.take(MAX_KEPT_BYTES / 4)).collect();
        drop(held);
        assert!(spares.kept_bytes() <= MAX_KEPT_BYTES);
        assert_eq!(spares.kept_bytes(), MAX_KEPT_BYTES);
        spares.release();
        assert_eq!(spares.kept_bytes(), 0);
    }

    #[test]
    fn kept_buffers_are_freed_after_the_idle_time() {
        let spares = store();
        drop(spares.take(BIG));
        assert_eq!(spares.kept_bytes(), BIG);
        let deadline = Instant::now() + IDLE * 5;
        while spares.kept_bytes() != 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(spares.kept_bytes(), 0);
        // And the store works again afterwards, with a new reaper.
        drop(spares.take(BIG));
        assert_eq!(spares.kept_bytes(), BIG);
    }
}
