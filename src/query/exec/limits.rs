//! Resource limits of one query: the memory budget and the time limit, their defaults, and the
//! text forms users give them (`512M`, `2G`, `30s`, `10m`, `none`).
//!
//! Memory is measured, not estimated: [`CountingAlloc`] wraps the system allocator and keeps a
//! count of live bytes, and [`super::Guard`] compares the growth since the query started with
//! the budget. The binary installs it as the global allocator; where it is not installed (unit
//! tests, other embedders) [`allocated`] stays at zero and only explicit size checks
//! ([`super::Guard::reserve`]) apply. Nothing here prints or reads files other than the size of
//! physical memory.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::graph::clip;

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting live bytes so queries can stay within a memory budget.
pub struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to `System`; the counter only observes sizes.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which `System` shares.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, hence from `System`, with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `realloc`'s contract, which `System` shares.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

/// Bytes currently allocated through [`CountingAlloc`] (zero when it is not installed).
pub fn allocated() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Hands `value` to a background thread to be freed. A cancelled query may hold gigabytes in
/// millions of allocations (a long list, a collected group); freeing them takes tens of
/// milliseconds that the user waiting for Ctrl-C to act should not. Dropped in place when the
/// thread cannot be started.
pub fn drop_later<T: Send + 'static>(value: T) {
    type Garbage = Box<dyn Send>;
    static BIN: OnceLock<Option<Mutex<Sender<Garbage>>>> = OnceLock::new();
    let bin = BIN.get_or_init(|| {
        let (tx, rx) = channel::<Garbage>();
        let started = std::thread::Builder::new().name("kg-free".into()).spawn(move || rx.into_iter().for_each(drop));
        started.ok().map(|_| Mutex::new(tx))
    });
    match bin.as_ref().and_then(|m| m.lock().ok()) {
        Some(tx) => {
            if let Err(back) = tx.send(Box::new(value)) {
                drop(back);
            }
        }
        None => drop(value),
    }
}

/// The default memory budget of a query: half of physical memory (1 GiB when unknown).
pub fn default_max_memory() -> u64 {
    // SAFETY: sysconf only reads system configuration.
    let (pages, size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    if pages > 0 && size > 0 {
        (pages as u64).saturating_mul(size as u64) / 2
    } else {
        1 << 30
    }
}

/// The default time limit of a query started from the command line or the shell.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Parses a memory size: bytes, or a number with `K`, `M`, `G` or `T` (powers of 1024, an
/// optional `B`/`iB`); `none`, `off` or `0` mean no budget.
///
/// # Errors
/// A message saying what was expected.
pub fn parse_size(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if is_none(t) {
        return Ok(None);
    }
    let upper = t.to_ascii_uppercase();
    let body = upper.trim_end_matches("IB").trim_end_matches('B');
    let (digits, shift) = match body.chars().last() {
        Some('K') => (&body[..body.len() - 1], 10),
        Some('M') => (&body[..body.len() - 1], 20),
        Some('G') => (&body[..body.len() - 1], 30),
        Some('T') => (&body[..body.len() - 1], 40),
        _ => (body, 0),
    };
    let n: f64 = digits
        .trim()
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("expected a size such as 512M or 2G, or none, found '{}'", clip(t)))?;
    let bytes = n * (1u64 << shift) as f64;
    Ok((bytes >= 1.0).then_some(bytes.min(u64::MAX as f64) as u64))
}

/// Parses a duration: seconds, or a number with `ms`, `s`, `m` or `h`; `none`, `off` or `0`
/// mean no limit.
///
/// # Errors
/// A message saying what was expected.
pub fn parse_duration(text: &str) -> Result<Option<Duration>, String> {
    let t = text.trim();
    if is_none(t) {
        return Ok(None);
    }
    let lower = t.to_ascii_lowercase();
    let (digits, unit) = if let Some(d) = lower.strip_suffix("ms") {
        (d, 0.001)
    } else if let Some(d) = lower.strip_suffix('s') {
        (d, 1.0)
    } else if let Some(d) = lower.strip_suffix('m') {
        (d, 60.0)
    } else if let Some(d) = lower.strip_suffix('h') {
        (d, 3600.0)
    } else {
        (lower.as_str(), 1.0)
    };
    let n: f64 = digits
        .trim()
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0 && *n * unit < 1e12)
        .ok_or_else(|| format!("expected a duration such as 30s or 10m, or none, found '{}'", clip(t)))?;
    Ok((n > 0.0).then(|| Duration::from_secs_f64(n * unit)))
}

fn is_none(t: &str) -> bool {
    ["none", "off", "unlimited", "0"].iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// Writes a byte count the way users type it (`1.5G`, `512M`, `800K`, `12B`).
pub fn format_size(bytes: u64) -> String {
    let units = [(40, "T"), (30, "G"), (20, "M"), (10, "K")];
    for (shift, unit) in units {
        if bytes >= 1 << shift {
            let n = bytes as f64 / (1u64 << shift) as f64;
            return if n.fract() == 0.0 { format!("{n}{unit}") } else { format!("{n:.1}{unit}") };
        }
    }
    format!("{bytes}B")
}

/// Writes a duration the way users type it (`250ms`, `30s`, `10m`).
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{format_size, parse_duration, parse_size};

    #[test]
    fn sizes_and_durations_parse_with_units_and_none() {
        assert_eq!(parse_size("512M"), Ok(Some(512 << 20)));
        assert_eq!(parse_size("2GiB"), Ok(Some(2 << 30)));
        assert_eq!(parse_size("1.5g"), Ok(Some(3 << 29)));
        assert_eq!(parse_size("4096"), Ok(Some(4096)));
        assert_eq!(parse_size("none"), Ok(None));
        assert!(parse_size("lots").unwrap_err().contains("'lots'"));
        assert_eq!(parse_duration("30s"), Ok(Some(Duration::from_secs(30))));
        assert_eq!(parse_duration("10m"), Ok(Some(Duration::from_secs(600))));
        assert_eq!(parse_duration("250ms"), Ok(Some(Duration::from_millis(250))));
        assert_eq!(parse_duration("0"), Ok(None));
        assert!(parse_duration("-3s").is_err());
        assert_eq!(format_size(3 << 29), "1.5G");
        assert_eq!(format_size(512 << 20), "512M");
    }
}
