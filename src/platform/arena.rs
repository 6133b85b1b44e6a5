//! [`Arena`]: a bump allocator in front of the system's `malloc`, the
//! binary's global allocator on Unix (`unix.rs`'s `Allocator`): a cached call
//! makes a few hundred short-lived allocations, and glibc's `malloc`, `free`
//! and `realloc` were an eighth of its instructions (BENCHMARKS.md).
//!
//! The invariants, which every method keeps:
//! - The arena hands out `[0, next)` of one static buffer, never twice: a
//!   block is returned to it only when it is the last one handed out (`next`
//!   moves back to its start), so a block in use is never inside `[next, N)`.
//! - A block that does not fit goes to the system allocator, and a pointer
//!   outside the buffer is always the system's: the arena bounds its own
//!   memory at `N` bytes and never grows; a long-running command (`api` with
//!   a large answer, `demo --serve`) simply moves on to `malloc`.
//! - `next` changes only by compare-and-swap, so threads (the keyring's
//!   D-Bus client, the demo's server) never hand out overlapping blocks. A
//!   successful swap is acquire-release: a thread that takes over bytes
//!   another gave back sees that thread's writes to them finished (as a
//!   lock in `malloc` would ensure), on weakly ordered CPUs (aarch64) too.
//!
//! Freed memory is not cleared, as with `malloc`: what must not linger is
//! overwritten by its owner first ([`crate::secret::Secret`] wipes on drop).
//! Why Windows keeps its heap instead: `platform/mod.rs`, `Allocator`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A bump allocator over `N` static bytes, falling back to [`System`].
#[repr(C, align(64))]
pub struct Arena<const N: usize> {
    buf: UnsafeCell<[u8; N]>,
    next: AtomicUsize,
}

// SAFETY: the buffer is shared only through blocks carved by compare-and-swap
// on `next`, each handed to one owner (see the module's invariants).
#[allow(unsafe_code)]
unsafe impl<const N: usize> Sync for Arena<N> {}

impl<const N: usize> Arena<N> {
    /// An empty arena (a `static`: its buffer is zero pages in `.bss` until used).
    #[allow(clippy::new_without_default)] // a `static` needs a const fn
    pub const fn new() -> Self {
        Arena {
            buf: UnsafeCell::new([0; N]),
            next: AtomicUsize::new(0),
        }
    }

    fn base(&self) -> usize {
        self.buf.get() as usize
    }

    /// The block's offset in the buffer, if it is the arena's.
    fn offset(&self, ptr: *mut u8) -> Option<usize> {
        (ptr as usize).checked_sub(self.base()).filter(|&o| o < N)
    }

    /// Carves `layout` from the free tail, or `None` when it does not fit.
    fn carve(&self, layout: Layout) -> Option<*mut u8> {
        let base = self.base();
        let mut cur = self.next.load(Ordering::Relaxed);
        loop {
            let start = (base + cur).checked_next_multiple_of(layout.align())? - base;
            let end = start.checked_add(layout.size()).filter(|&e| e <= N)?;
            match self
                .next
                .compare_exchange_weak(cur, end, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return Some(self.buf.get().cast::<u8>().wrapping_add(start)),
                Err(now) => cur = now,
            }
        }
    }

    /// Moves the free tail from `from` to `to` if the block ending at `from`
    /// is still the last one handed out; whether it did.
    fn move_tail(&self, from: usize, to: usize) -> bool {
        self.next
            .compare_exchange(from, to, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }
}

// Each method is out of line: inlined at every allocation site of the
// program it would cost 300 KB of code for nothing.
// SAFETY: each method hands out blocks that are aligned, `size` bytes long,
// inside the buffer and disjoint from every other live block (the module's
// invariants), or forwards to `System` for pointers `System` gave.
#[allow(unsafe_code)]
unsafe impl<const N: usize> GlobalAlloc for Arena<N> {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.carve(layout) {
            Some(p) => p,
            // SAFETY: the caller's layout, as GlobalAlloc requires.
            None => unsafe { System.alloc(layout) },
        }
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match self.carve(layout) {
            Some(p) => {
                // SAFETY: the block just carved, `layout.size()` bytes long; it
                // may have been handed out and given back before.
                unsafe { p.write_bytes(0, layout.size()) };
                p
            }
            // SAFETY: the caller's layout, as GlobalAlloc requires.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match self.offset(ptr) {
            Some(start) => {
                // The last block returns to the tail; any other stays used.
                self.move_tail(start + layout.size(), start);
            }
            // SAFETY: a pointer outside the buffer came from `System`.
            None => unsafe { System.dealloc(ptr, layout) },
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(start) = self.offset(ptr) else {
            // SAFETY: a pointer outside the buffer came from `System`.
            return unsafe { System.realloc(ptr, layout, new_size) };
        };
        let end = start + layout.size();
        if new_size <= layout.size() {
            // Shrinking never moves; the last block gives back its tail.
            self.move_tail(end, start + new_size);
            return ptr;
        }
        if start + new_size <= N && self.move_tail(end, start + new_size) {
            // The last block grows in place.
            return ptr;
        }
        // SAFETY: `new_size` is nonzero and, as GlobalAlloc requires of the
        // caller, does not overflow when rounded up to the alignment.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as above.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live and disjoint, the old one
            // `layout.size()` bytes long, the new one longer.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size());
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(test)]
#[allow(unsafe_code, clippy::undocumented_unsafe_blocks)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    fn inside<const N: usize>(a: &Arena<N>, p: *mut u8) -> bool {
        a.offset(p).is_some()
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_the_last_one_returns() {
        let a = Box::new(Arena::<1024>::new());
        let p = unsafe { a.alloc(layout(3, 1)) };
        let q = unsafe { a.alloc(layout(8, 8)) };
        assert!(inside(&a, p) && inside(&a, q));
        assert_eq!(q as usize % 8, 0);
        assert!(q as usize >= p as usize + 3);
        let next = a.next.load(Ordering::Relaxed);
        // Freeing a block that is not the last leaves the tail where it is.
        unsafe { a.dealloc(p, layout(3, 1)) };
        assert_eq!(a.next.load(Ordering::Relaxed), next);
        // Freeing the last one gives its bytes back.
        unsafe { a.dealloc(q, layout(8, 8)) };
        assert_eq!(a.next.load(Ordering::Relaxed), next - 8);
        assert_eq!(unsafe { a.alloc(layout(8, 8)) }, q);
        // A zeroed block is zeroed even where an earlier one left bytes.
        unsafe { q.write_bytes(0xa5, 8) };
        unsafe { a.dealloc(q, layout(8, 8)) };
        let z = unsafe { a.alloc_zeroed(layout(8, 8)) };
        assert_eq!(z, q);
        assert_eq!(unsafe { std::slice::from_raw_parts(z, 8) }, [0; 8]);
    }

    #[test]
    fn the_last_block_grows_in_place_and_another_moves_with_its_bytes() {
        let a = Box::new(Arena::<1024>::new());
        let p = unsafe { a.alloc(layout(4, 1)) };
        unsafe { p.copy_from_nonoverlapping(b"abcd".as_ptr(), 4) };
        let grown = unsafe { a.realloc(p, layout(4, 1), 100) };
        assert_eq!(grown, p);
        let q = unsafe { a.alloc(layout(1, 1)) };
        // `p` is no longer last: growing it copies.
        let moved = unsafe { a.realloc(p, layout(100, 1), 200) };
        assert_ne!(moved, p);
        assert!(moved as usize > q as usize);
        assert_eq!(unsafe { std::slice::from_raw_parts(moved, 4) }, b"abcd");
        // Shrinking never moves, and the last block gives back its tail.
        assert_eq!(unsafe { a.realloc(moved, layout(200, 1), 10) }, moved);
        let offset = a.offset(moved).unwrap();
        assert_eq!(a.next.load(Ordering::Relaxed), offset + 10);
    }

    #[test]
    fn what_does_not_fit_goes_to_the_system_and_comes_back_to_it() {
        let a = Box::new(Arena::<64>::new());
        let p = unsafe { a.alloc(layout(48, 16)) };
        assert!(inside(&a, p));
        let big = unsafe { a.alloc(layout(32, 16)) };
        assert!(!big.is_null() && !inside(&a, big));
        // The arena's block outgrowing the buffer moves to the system.
        let moved = unsafe { a.realloc(p, layout(48, 16), 4096) };
        assert!(!moved.is_null() && !inside(&a, moved));
        let big = unsafe { a.realloc(big, layout(32, 16), 8192) };
        assert!(!inside(&a, big));
        unsafe {
            a.dealloc(moved, layout(4096, 16));
            a.dealloc(big, layout(8192, 16));
        }
    }

    #[test]
    fn threads_never_share_a_block() {
        const THREADS: usize = 4;
        const BLOCKS: usize = 4000;
        static A: Arena<{ 1 << 20 }> = Arena::new();
        let a = &A;
        // All start at once, so their swaps race.
        let start = std::sync::Arc::new(std::sync::Barrier::new(THREADS));
        // Each block holds its own id in every byte pair, so a block that
        // overlaps another live one shows the other's bytes.
        let fill = |id: u16, len: usize| (0..len).map(move |k| id.to_le_bytes()[k % 2]);
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    let mut held = Vec::new();
                    for i in 0..BLOCKS {
                        let id = u16::try_from(t * BLOCKS + i).unwrap();
                        let l = layout(2 + i % 30, 1 << (i % 4));
                        let p = unsafe { a.alloc(l) };
                        for (k, b) in fill(id, l.size()).enumerate() {
                            unsafe { p.add(k).write(b) };
                        }
                        if i % 3 == 0 {
                            unsafe { a.dealloc(p, l) };
                        } else {
                            held.push((id, p as usize, l.size()));
                        }
                    }
                    held
                })
            })
            .collect();
        let held: Vec<Vec<(u16, usize, usize)>> =
            threads.into_iter().map(|h| h.join().unwrap()).collect();
        let mut inside_arena = 0;
        for &(id, p, len) in held.iter().flatten() {
            let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
            assert!(
                bytes.iter().copied().eq(fill(id, len)),
                "block {id} was overwritten"
            );
            inside_arena += usize::from(inside(a, p as *mut u8));
        }
        // The check is on the arena's blocks, not only malloc's.
        assert!(inside_arena > THREADS * BLOCKS / 2, "{inside_arena}");
    }
}
