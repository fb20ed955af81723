//! Step timings for benchmarks and profiling, printed when `RENKEI_TIMINGS` is set, each with
//! the processor time the step took and the process's memory at its end and at its peak so far
//! (Linux): a step whose processor time is close to its wall time ran on one core, a step that
//! makes memory grow shows itself, and what is still held after it shows beside the peak.
//!
//! Its own module because both the pipeline and the output writer time their steps, and the
//! writer must not depend on the pipeline that calls it.

use std::time::Instant;

/// Prints how long each step took when `RENKEI_TIMINGS` is set (for benchmarks and profiling).
pub struct Timer {
    on: bool,
    last: Instant,
    last_cpu: Option<u64>,
}

impl Timer {
    pub fn new() -> Self {
        let on = std::env::var_os("RENKEI_TIMINGS").is_some();
        Timer {
            on,
            last: Instant::now(),
            last_cpu: if on { cpu_time() } else { None },
        }
    }

    pub fn step(&mut self, name: &str) {
        if self.on {
            let memory = match (memory("VmRSS:"), memory("VmHWM:")) {
                (Some(now), Some(peak)) => {
                    format!(", now {} MiB, peak {} MiB", now / 1024, peak / 1024)
                }
                _ => String::new(),
            };
            let cpu_now = cpu_time();
            let cpu = match (self.last_cpu, cpu_now) {
                (Some(before), Some(now)) => format!(" (cpu {} ms)", now.saturating_sub(before)),
                _ => String::new(),
            };
            eprintln!(
                "  {name}: {:.0} ms{cpu}{memory}",
                self.last.elapsed().as_secs_f64() * 1000.0
            );
            self.last_cpu = cpu_now;
        }
        self.last = Instant::now();
    }
}

/// The processor time the process has used so far, user and system, in milliseconds
/// (`utime` and `stime` of `/proc/self/stat`, in clock ticks of 10 ms on Linux).
fn cpu_time() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let mut fields = stat.get(stat.rfind(')')? + 2..)?.split_whitespace();
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10)
}

/// The process's resident memory in KiB, now (`VmRSS:`) or at its peak (`VmHWM:`), where the
/// system says it.
fn memory(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}
