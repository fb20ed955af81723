#!/usr/bin/env python3
"""Build benchmark for renkei on the shared synthetic workload, output on disk.

    python3 bench/bench.py [--sizes 1000 10000] [--runs 5] [--keep DIR]

For each size: generates the workload with ../shared/bench/gen_workload.py (deterministic) and
times, --runs times each with the release binary:
  - cold: a full build into an empty output folder, with no parses kept from an earlier build
    (beside `cp -r` of that output: the disk's floor on this machine right now), each into a
    folder nothing was just deleted from (disk.py);
  - no change: a rebuild of the same site into its own output;
  - one phone: a rebuild after one partner's phone number changed (alternating two values);
  - next day: a rebuild with the build date one day later (alternating two dates);
with the median wall time, the files each rebuild wrote (from the build's own report), the
median and max peak RSS (wait4, per build process) and the output size. Machines here are shared
and noisy, so read medians, not single runs. Standard library only.
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
from workload import GEN, need_generator  # noqa: E402
from disk import Trash  # noqa: E402
BIN = os.path.join(REPO, "target", "release", "renkei")


def run_once(site, out, date="2026-11-25"):
    """Wall time, peak RSS in MiB and the number of files written of one build."""
    # Output goes to a file, not a pipe: a build's warnings can outgrow a pipe's buffer, and
    # wait4 must not wait on a process blocked writing to it.
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen([BIN, "build", "--root", site, "--out", out, "--date", date],
                                stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        log.seek(0)
        stdout, stderr = log.read().decode(), ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("build failed:\n" + stderr)
    m = re.search(r"書き込み (\d+) 件", stdout + stderr)
    return elapsed, usage.ru_maxrss / 1024.0, int(m.group(1)) if m else -1  # KiB -> MiB


def copy_baseline(out, runs, trash):
    """Median time of `cp -r` of the finished output: the file system's floor on this machine
    right now, so build times can be read against it despite noisy shared disks."""
    times = []
    dst = out + ".copy"
    for _ in range(runs):
        trash.discard(dst)
        start = time.perf_counter()
        subprocess.run(["cp", "-r", out, dst], check=True)
        times.append(time.perf_counter() - start)
    trash.discard(dst)
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
    trash = Trash(base)
    print("| partners | pages | cold build s (runs) | `cp -r` s | no change s, files written | one phone s, written | next day s, written | median / max RSS MiB | output MiB | files |")
    print("|---:|---:|---|---:|---|---|---|---|---:|---:|")
    for n in a.sizes:
        site = os.path.join(base, "w%d" % n)
        # Generated once (delete the folder to generate it again): the generator deletes and
        # rewrites its 15k files, and files made just after a delete are slow (disk.py).
        if not os.path.isdir(site):
            subprocess.run([sys.executable, GEN, "--n", str(n), "--out", site], check=True, stdout=subprocess.DEVNULL)
        out = os.path.join(site, "public")
        run_once(site, out)  # warm the page cache; not counted
        cold, rss = [], []
        for _ in range(a.runs):
            trash.discard(out)  # see disk.py
            t, m, _ = run_once(site, out)
            cold.append(t)
            rss.append(m)
        size, files = tree_size(out)
        pages = sum(1 for d, _, ns in os.walk(out) for f in ns if f.endswith(".html"))
        copy = copy_baseline(out, a.runs, trash)

        def rebuilds(change):
            times, written = [], []
            for i in range(a.runs):
                date = change(i)
                t, m, w = run_once(site, out, date)
                times.append(t)
                written.append(w)
                rss.append(m)
            run_once(site, out)  # back to the starting state
            return "%.2f, %d" % (statistics.median(times), statistics.median(written))

        no_change = rebuilds(lambda i: "2026-11-25")
        partner = sorted(glob.glob(os.path.join(site, "content", "partners", "*.md")))[0]
        text = open(partner, encoding="utf-8").read()
        tel = re.search(r'^tel: "?([0-9-]+)"?', text, re.M).group(1)
        other = tel[:-1] + ("1" if tel[-1] != "1" else "2")

        def phone(i):
            with open(partner, "w", encoding="utf-8") as f:
                f.write(text.replace(tel, other if i % 2 == 0 else tel, 1))
            return "2026-11-25"

        one_phone = rebuilds(phone)
        with open(partner, "w", encoding="utf-8") as f:
            f.write(text)
        next_day = rebuilds(lambda i: "2026-11-26" if i % 2 == 0 else "2026-11-25")
        print("| %d | %d | %.2f (%s) | %.2f | %s | %s | %s | %.0f / %.0f | %.1f | %d |" % (
            n, pages, statistics.median(cold), " ".join("%.2f" % t for t in cold), copy,
            no_change, one_phone, next_day, statistics.median(rss), max(rss), size / 1048576.0, files))
        sys.stdout.flush()
    trash.empty()
    if not a.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
