//! jemalloc, as in `charta`, counting the bytes in use once `COUNTING` is
//! set (otherwise one relaxed load per call): the peak of live data, beside
//! the peak resident set, tells what a build keeps from what the allocator
//! keeps. Shared by `scale_bench` and `pdf_memory` through `#[path]`.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicUsize};

#[global_allocator]
static GLOBAL: Counting = Counting;

pub struct Counting;

pub static COUNTING: AtomicBool = AtomicBool::new(false);
pub static LIVE: AtomicUsize = AtomicUsize::new(0);
pub static PEAK_LIVE: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK_LIVE.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { tikv_jemallocator::Jemalloc.alloc(layout) };
        if COUNTING.load(Relaxed) && !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if COUNTING.load(Relaxed) {
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        unsafe { tikv_jemallocator::Jemalloc.dealloc(p, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { tikv_jemallocator::Jemalloc.alloc_zeroed(layout) };
        if COUNTING.load(Relaxed) && !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { tikv_jemallocator::Jemalloc.realloc(p, layout, new_size) };
        if COUNTING.load(Relaxed) && !q.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        q
    }
}
