//! Step timings for benchmarks and profiling, printed when `RENKEI_TIMINGS` is set.
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
            eprintln!(
                "  {name}: {:.0} ms",
                self.last.elapsed().as_secs_f64() * 1000.0
            );
        }
        self.last = Instant::now();
    }
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}
