#!/usr/bin/env python3
"""Import benchmark: a 10k-row partner list as Excel's 「CSV (コンマ区切り)」 writes it (CP932).

    python3 bench/import_bench.py [--sizes 1000 10000] [--runs 5]

For each size: generates the shared workload (../shared/bench/gen_workload.py), builds it once
with the release binary, takes its partners export (/data/partners.csv), re-encodes it to CP932
with CRLF, and imports it --runs times into a fresh site (the workload's site.yaml, no records),
timing the whole `renkei import partners` process: read, clean every cell, name files, check
every file with the build's reader, write. Each run imports into a site folder of its own. Also times `--dry-run` (no writes) and a re-import
with `--update` over the records just written (every row matched, nothing changes).
Prints medians and ranges; these machines are shared and noisy. Standard library only.
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


def timed(args):
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("failed: " + " ".join(args) + "\n" + proc.stdout[-2000:] + proc.stderr[-2000:])
    return elapsed, proc.stdout


def fresh_site(workload, dest):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(os.path.join(dest, "content"))
    shutil.copy(os.path.join(workload, "content", "site.yaml"), os.path.join(dest, "content", "site.yaml"))


def fmt(xs):
    return f"{statistics.median(xs):.2f} s ({min(xs):.2f}–{max(xs):.2f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    need_generator()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    tmp = tempfile.mkdtemp(prefix="renkei-import-bench-")
    try:
        print("| rows | CSV (CP932) | import (create) | --dry-run | re-import --update (no change) | files written |")
        print("|---|---|---|---|---|---|")
        for n in args.sizes:
            work = os.path.join(tmp, f"w{n}")
            subprocess.run([sys.executable, GEN, "--n", str(n), "--out", work], check=True, capture_output=True)
            out = os.path.join(tmp, f"out{n}")
            timed([BIN, "build", "--root", work, "--out", out, "--date", "2026-11-25"])
            text = open(os.path.join(out, "data", "partners.csv"), encoding="utf-8-sig").read()
            csv_path = os.path.join(tmp, f"partners-{n}-cp932.csv")
            with open(csv_path, "w", encoding="cp932", newline="\r\n") as f:
                f.write(text.replace("\r\n", "\n"))
            rows = text.count("\n") - 1
            creates, dries, updates = [], [], []
            written = 0
            for run in range(args.runs):
                # A new site folder each run: removing the last run's 10k files right before
                # would be timed too (the file system is still busy with them; seen here as
                # seconds of kernel time inside the next import).
                site = os.path.join(tmp, f"site{n}-{run}")
                fresh_site(work, site)
                os.sync()
                t, _ = timed([BIN, "import", "partners", csv_path, "--root", site, "--dry-run"])
                dries.append(t)
                t, report = timed([BIN, "import", "partners", csv_path, "--root", site])
                creates.append(t)
                written = len(os.listdir(os.path.join(site, "content", "partners")))
                t, report = timed([BIN, "import", "partners", csv_path, "--root", site, "--update"])
                if f"作成 0 件、変更 0 件、変更なし {written} 件" not in report:
                    sys.exit("re-import changed something:\n" + report[-1500:])
                updates.append(t)
            size = os.path.getsize(csv_path) / 1024 / 1024
            print(f"| {rows:,} | {size:.1f} MiB | {fmt(creates)} | {fmt(dries)} | {fmt(updates)} | {written:,} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
