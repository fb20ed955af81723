#!/usr/bin/env python3
"""renkei beside Hugo on the same records, one run, alternating, output on disk.

    python3 bench/hugo.py [--n 10000] [--runs 3] [--keep DIR]

Needs Debian's `hugo` and ../shared/bench/hugo/ (its README: minimal templates, no search).
For each run, in turn (after both outputs, and renkei's kept parses, are moved aside: disk.py):
renkei cold (empty output folder), Hugo cold, renkei rebuild with nothing
changed, Hugo rebuild into its existing output, then one partner's phone number changed in both
and each rebuilt into its existing output; then `cp -r` of each output as the disk's floor.
Prints medians and the ratios the performance issue asks for. Standard library only.
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
from bench import copy_baseline, tree_size as tree  # noqa: E402
from disk import Trash  # noqa: E402
BIN = os.path.join(REPO, "target", "release", "renkei")
HUGO_DIR = os.path.join(os.path.dirname(GEN), "hugo")


def timed(cmd):
    with tempfile.TemporaryFile() as log:  # a file, not a pipe (see bench.py)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            log.seek(0)
            sys.exit("failed: %s\n%s" % (" ".join(cmd), log.read().decode()))
    return elapsed, usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="folder for the generated site (default: a temporary folder)")
    a = ap.parse_args()
    need_generator()
    if not shutil.which("hugo") or not os.path.isdir(HUGO_DIR):
        sys.exit("needs `hugo` (apt-get install hugo) and %s" % HUGO_DIR)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    base = a.keep or tempfile.mkdtemp(prefix="renkei-hugo-")
    trash = Trash(base)
    site = os.path.join(base, "w%d" % a.n)
    if not os.path.isdir(site):
        subprocess.run([sys.executable, GEN, "--n", str(a.n), "--out", site], check=True, stdout=subprocess.DEVNULL)
    content = os.path.join(base, "hugo-content")
    # Prepared once, like the site: prepare.sh deletes and rewrites every file of it, and files
    # made just after a delete are slow (disk.py). Delete both folders to start afresh.
    if not os.path.isdir(content):
        subprocess.run([os.path.join(HUGO_DIR, "prepare.sh"), site, content], check=True)
    r_out, h_out = os.path.join(site, "public"), os.path.join(base, "hugo-out")
    renkei = [BIN, "build", "--root", site, "--out", r_out, "--date", "2026-11-25"]
    hugo = ["hugo", "--quiet", "-s", HUGO_DIR, "--contentDir", content, "-d", h_out]
    timed(renkei), timed(hugo)  # warm the page cache; not counted
    t = {k: [] for k in ("r_cold", "h_cold", "r_again", "h_again", "r_phone", "h_phone", "r_rss", "h_rss")}
    # The same partner file in both trees; its number alternates between two values.
    partner = sorted(glob.glob(os.path.join(site, "content", "partners", "*.md")))[0]
    twin = os.path.join(content, os.path.relpath(partner, os.path.join(site, "content")))
    texts = {path: open(path, encoding="utf-8").read() for path in (partner, twin)}
    tel = re.search(r'^tel: "?([0-9-]+)"?', texts[partner], re.M).group(1)
    other = tel[:-1] + ("1" if tel[-1] != "1" else "2")

    def set_phone(number):
        for path, text in texts.items():
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace(tel, number, 1))

    for i in range(a.runs):
        # Both outputs (and renkei's kept parses) moved aside, as disk.py explains, then both
        # cold builds.
        trash.discard(r_out, h_out)
        s, m = timed(renkei)
        t["r_cold"].append(s), t["r_rss"].append(m)
        s, m = timed(hugo)
        t["h_cold"].append(s), t["h_rss"].append(m)
        t["r_again"].append(timed(renkei)[0])
        t["h_again"].append(timed(hugo)[0])
        set_phone(other if i % 2 == 0 else tel)
        t["r_phone"].append(timed(renkei)[0])
        t["h_phone"].append(timed(hugo)[0])
    set_phone(tel)

    med = {k: statistics.median(v) for k, v in t.items()}
    (rb, rf), (hb, hf) = tree(r_out), tree(h_out)
    print("| %d records | renkei | Hugo | renkei / Hugo |" % a.n)
    print("|---|---:|---:|---:|")
    print("| cold build, output on disk (median of %d) | %.2f s | %.2f s | %.2f |" % (a.runs, med["r_cold"], med["h_cold"], med["r_cold"] / med["h_cold"]))
    print("| rebuild, nothing changed | %.2f s | %.2f s | %.2f |" % (med["r_again"], med["h_again"], med["r_again"] / med["h_again"]))
    print("| rebuild, one partner's phone changed | %.2f s | %.2f s | %.2f |" % (med["r_phone"], med["h_phone"], med["r_phone"] / med["h_phone"]))
    print("| `cp -r` of its output | %.2f s | %.2f s | |" % (copy_baseline(r_out, a.runs, trash), copy_baseline(h_out, a.runs, trash)))
    print("| output | %d files, %.0f MB | %d files, %.0f MB | |" % (rf, rb / 1e6, hf, hb / 1e6))
    print("| peak RSS (median) | %.0f MiB | %.0f MiB | |" % (med["r_rss"], med["h_rss"]))
    trash.empty()
    if not a.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
