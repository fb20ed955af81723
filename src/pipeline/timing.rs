//! Step timings for benchmarks and profiling, printed when `RENKEI_TIMINGS` is set, each with
//! the process's peak memory so far (Linux), so a step that makes memory grow shows itself.
//!
//! Its own module because both the pipeline and the output writer time their steps, and the
//! writer must not depend on the pipeline that calls it.

use std::time::Instant;

/// Prints how long each step took when `RENKEI_TIMINGS` is set (for benchmarks and profiling).
pub struct Timer {
    on: bool,
    last: Instant,
}

impl Timer {
    pub fn new() -> Self {
        Timer {
            on: std::env::var_os("RENKEI_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    pub fn step(&mut self, name: &str) {
        if self.on {
            let peak = peak_memory()
                .map(|kib| format!(", peak {} MiB", kib / 1024))
                .unwrap_or_default();
            eprintln!(
                "  {name}: {:.0} ms{peak}",
                self.last.elapsed().as_secs_f64() * 1000.0
            );
        }
        self.last = Instant::now();
    }
}

/// The process's peak resident memory in KiB (`VmHWM`), where the system says it.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}
