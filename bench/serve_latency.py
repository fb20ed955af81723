#!/usr/bin/env python3
"""Edit-to-served latency of `renkei serve` on the shared synthetic workload.

    python3 bench/serve_latency.py [--sizes 1000 10000] [--edits 15]

For each size: generates the workload (../shared/bench/gen_workload.py), starts the release
binary's `serve`, then repeatedly appends a unique sentence to one partner's Markdown body and
polls that partner's page until the new sentence is served. Prints the median and spread of
"file written → new page served" in milliseconds. Standard library only.
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
from workload import GEN, need_generator  # noqa: E402
BIN = os.path.join(REPO, "target", "release", "renkei")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""


def measure(n, edits, kind):
    site = tempfile.mkdtemp(prefix="renkei-serve-%d-" % n)
    subprocess.run([sys.executable, GEN, "--n", str(n), "--out", site], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--root", site, "--port", str(port), "--date", "2026-11-25"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = "http://127.0.0.1:%d/renkei/" % port
    deadline = time.time() + 120
    while not get(base):
        if time.time() > deadline:
            sys.exit("serve did not start")
        time.sleep(0.05)
    slug = "clinic-00001" if os.path.exists(os.path.join(site, "content/partners/clinic-00001.md")) else sorted(os.listdir(os.path.join(site, "content/partners")))[0][:-3]
    path = os.path.join(site, "content/partners/%s.md" % slug)
    url = base + "partners/%s/" % slug
    original = open(path, encoding="utf-8").read()
    times = []
    import re
    for k in range(edits):
        if kind == "tel":
            # A contact change: lists, browse pages, the print page, vCard and exports follow.
            marker = "0548-99-%04d" % k
            text = re.sub(r'^tel: .*$', 'tel: "%s"' % marker, original, count=1, flags=re.M)
        else:
            marker = "編集確認%04d" % k
            text = original + "\n%sです。\n" % marker
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        t0 = time.perf_counter()
        while marker not in get(url):
            if time.perf_counter() - t0 > 30:
                sys.exit("edit %d never showed up" % k)
            time.sleep(0.002)
        times.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.3)  # let the watcher settle between edits
    proc.terminate()
    log = proc.stderr.read().decode("utf-8", "replace")
    full = log.count("全体")
    return times, full


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=15)
    ap.add_argument("--kind", choices=["body", "tel"], default="body", help="edit the Markdown body or the phone number")
    a = ap.parse_args()
    need_generator()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    print("| partners | edit | edits | median ms | min ms | max ms | full rebuilds |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n in a.sizes:
        times, full = measure(n, a.edits, a.kind)
        print("| %d | %s | %d | %.0f | %.0f | %.0f | %d |" % (n, a.kind, len(times), statistics.median(times), min(times), max(times), full))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
