#!/usr/bin/env python3
"""Full-build benchmark for renkei on the shared synthetic workload.

    python3 bench/bench.py [--sizes 1000 10000] [--runs 5] [--keep DIR]

For each size: generates the workload with ../shared/bench/gen_workload.py (deterministic), builds
it --runs times with the release binary, and prints the median wall time, the median and max peak
RSS (from wait4, per build process) and the output size. Machines here are shared and noisy, so
read medians, not single runs. Standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
from workload import GEN, need_generator  # noqa: E402
BIN = os.path.join(REPO, "target", "release", "renkei")


def run_once(site, out):
    start = time.perf_counter()
    proc = subprocess.Popen([BIN, "build", "--root", site, "--out", out, "--date", "2026-11-25"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stdout, stderr = proc.stdout.read().decode(), proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("build failed:\n" + stderr)
    return elapsed, usage.ru_maxrss / 1024.0  # KiB -> MiB


def copy_baseline(out, runs):
    """Median time of `cp -r` of the finished output: the file system's floor on this machine
    right now, so build times can be read against it despite noisy shared disks."""
    times = []
    for _ in range(runs):
        dst = out + ".copy"
        start = time.perf_counter()
        subprocess.run(["cp", "-r", out, dst], check=True)
        times.append(time.perf_counter() - start)
        shutil.rmtree(dst)
    return statistics.median(times)


def tree_size(path):
    total, count = 0, 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            total += os.path.getsize(os.path.join(dirpath, n))
            count += 1
    return total, count


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="folder for the generated sites (default: a temporary folder)")
    a = ap.parse_args()
    need_generator()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    base = a.keep or tempfile.mkdtemp(prefix="renkei-bench-")
    print("| partners | pages | median build s | runs (s) | `cp -r` of output, median s | median peak RSS MiB | max RSS MiB | output MiB | files |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for n in a.sizes:
        site = os.path.join(base, "w%d" % n)
        subprocess.run([sys.executable, GEN, "--n", str(n), "--out", site], check=True, stdout=subprocess.DEVNULL)
        out = os.path.join(site, "public")
        run_once(site, out)  # warm the page cache; not counted
        times, rss = [], []
        for _ in range(a.runs):
            t, m = run_once(site, out)
            times.append(t)
            rss.append(m)
        size, files = tree_size(out)
        pages = sum(1 for d, _, ns in os.walk(out) for f in ns if f.endswith(".html"))
        copy = copy_baseline(out, a.runs)
        print("| %d | %d | %.2f | %s | %.2f | %.0f | %.0f | %.1f | %d |" % (
            n, pages, statistics.median(times), " ".join("%.2f" % t for t in times), copy,
            statistics.median(rss), max(rss), size / 1048576.0, files))
        sys.stdout.flush()
    if not a.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
