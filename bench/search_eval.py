#!/usr/bin/env python3
"""Search quality and size on the benchmark workload.

    python3 bench/search_eval.py [--sizes 1000 10000] [--runs 3] [--sample 40]

For each size: generates the workload (../shared/bench/gen_workload.py, default seed), builds it
with the release binary (RENKEI_TIMINGS=1 gives the index build time; median of --runs builds),
then runs through the real JavaScript client under node (tests/search/eval.mjs):

- the judged queries of ../shared/search/judgments-<size>.tsv,
- the queries in everyday words of ../shared/search/everyday-judgments.py (耳鼻科, 特養,
  romaji, slips), and
- unlisted queries of the same navigational kinds drawn here from the workload (name, 異体字
  variant, half-width katakana, reading in hiragana and katakana, phone with and without hyphens,
  registered doctor's name and reading), each with the record it names as target. Only names
  that occur once in the workload are drawn, so the target is unambiguous.

Prints recall@10 and MRR per query type and overall, the index size (raw and gzip), the bytes
(gzip) a first query fetches from a cold start (median and max over the queries) and the index
build time. Needs `cargo build --release` first, and node.
"""

import argparse
import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
from workload import GEN, need_generator  # noqa: E402
JUDGMENTS = os.path.join(REPO, "..", "shared", "search", "judgments-{}k.tsv")
EVERYDAY = os.path.join(REPO, "..", "shared", "search", "everyday-judgments.py")
BIN = os.path.join(REPO, "target", "release", "renkei")
EVAL = os.path.join(REPO, "tests", "search", "eval.mjs")
ITAIJI = os.path.join(REPO, "src", "search", "itaiji.tsv")


def front_matter(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head = text.split("---", 2)[1]
    fields = {}
    for line in head.splitlines():
        m = re.match(r'^(\s*)(\w+): "(.*)"$', line)
        if m:
            key = ("director." if m.group(1) else "") + m.group(2)
            fields.setdefault(key, m.group(3))
    return fields


def to_halfwidth(text):
    """Katakana to half-width, as an old PC would type it (the reverse of NFKC)."""
    out = []
    for c in text:
        decomposed = unicodedata.normalize("NFD", c)
        base, marks = decomposed[0], decomposed[1:]
        if "ァ" <= base <= "ヶ" or base == "ー":
            name = unicodedata.name(base).replace("KATAKANA", "HALFWIDTH KATAKANA")
            try:
                half = unicodedata.lookup(name)
            except KeyError:
                out.append(c)
                continue
            out.append(half + ("ﾞ" if "\u3099" in marks else "ﾟ" if "\u309a" in marks else ""))
        else:
            out.append(c)
    return "".join(out)


def to_katakana(text):
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def unlisted_queries(site, sample, seed):
    """Navigational queries drawn from the workload, with their target."""
    rng = random.Random(seed)
    variants = {}
    with open(ITAIJI, encoding="utf-8") as f:
        for line in f:
            a, b = line.rstrip("\n").split("\t")
            variants.setdefault(b, a)  # common form → one of its variants
    partners = []
    for name in sorted(os.listdir(os.path.join(site, "content", "partners"))):
        fm = front_matter(os.path.join(site, "content", "partners", name))
        partners.append((f"partners/{name[:-3]}", fm))
    doctors = []
    for name in sorted(os.listdir(os.path.join(site, "content", "doctors"))):
        fm = front_matter(os.path.join(site, "content", "doctors", name))
        doctors.append((f"doctors/{name[:-3]}", fm))
    folded = {a: b for b, a in variants.items()}

    def key(v):
        """Close enough to the search normalisation to tell whether two values collide."""
        v = unicodedata.normalize("NFKC", v)
        v = "".join(folded.get(c, c) for c in v)
        return re.sub(r"[\s\-]", "", v).translate({ord(k): ord(k) - 0x60 for k in "ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴ"})

    count = {}
    for _, fm in partners + doctors:
        for field in ("name", "yomi", "tel", "fax"):
            if field in fm:
                count[key(fm[field])] = count.get(key(fm[field]), 0) + 1
    unique = lambda v: count.get(key(v), 0) == 1  # noqa: E731

    rows = []
    pick = [p for p in partners if unique(p[1]["name"]) and unique(p[1]["yomi"])]
    for target, fm in rng.sample(pick, min(sample, len(pick))):
        rows.append(("name", fm["name"], target))
        rows.append(("yomi", fm["yomi"], target))
        rows.append(("yomi-katakana", to_katakana(fm["yomi"]), target))
        if re.search("[ァ-ヶ]", fm["name"]):
            rows.append(("halfwidth", to_halfwidth(fm["name"]), target))
        varied = "".join(variants.get(c, c) for c in fm["name"])
        if varied != fm["name"]:
            rows.append(("variant", varied, target))
    with_tel = [p for p in partners if "tel" in p[1] and unique(p[1]["tel"])]
    for target, fm in rng.sample(with_tel, min(sample, len(with_tel))):
        rows.append(("tel", fm["tel"], target))
        rows.append(("tel-digits", fm["tel"].replace("-", ""), target))
    docs = [d for d in doctors if unique(d[1]["name"])]
    for target, fm in rng.sample(docs, min(sample, len(docs))):
        rows.append(("doctor", fm["name"], target))
        rows.append(("doctor-yomi", fm["yomi"], target))
    return rows


def everyday_script(tmp):
    """The public everyday-judgments.py, with one list lookup made a set lookup: as published it
    compares dicts against a list for every relevant record (hours at 10k); the output is the
    same (checked at 1k: byte-identical)."""
    with open(EVERYDAY, encoding="utf-8") as f:
        src = f.read()
    slow = 'rid = lambda p: ("partners/" if p in P else "care/") + p["slug"]'
    fast = 'PIDS = {id(x) for x in P}; rid = lambda p: ("partners/" if id(p) in PIDS else "care/") + p["slug"]'
    if slow not in src:
        return EVERYDAY
    src = src.replace(slow, fast).replace(
        'os.path.join(os.path.dirname(__file__), "../bench")', repr(os.path.dirname(GEN)))
    path = os.path.join(tmp, "everyday-judgments-fast.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(src)
    return path


# Everyday words that everyday-judgments.py does not list, of the same kinds, with what they
# mean on the workload: a check that the vocabulary covers the language, not the listed words.
OTHER_WORDS = [
    ("dept", "脳外科", ["脳神経外科"]), ("dept", "循環器科", ["循環器内科"]),
    ("dept", "目医者", ["眼科"]), ("dept", "皮膚科の先生", ["皮膚科"]),
    ("dept", "整形", ["整形外科"]), ("dept", "胃腸内科", ["消化器内科"]),
    ("care", "老健", ["介護老人保健施設"]), ("care", "ショートステイ", ["短期入所生活介護", "短期入所療養介護"]),
    ("care", "グループホーム", ["認知症対応型共同生活介護"]), ("care", "訪問入浴", ["訪問入浴介護"]),
    ("care", "デイケア", ["通所リハビリテーション"]), ("care", "訪看", ["訪問看護"]),
    ("care", "小多機", ["小規模多機能型居宅介護"]), ("care", "ホームヘルパー", ["訪問介護"]),
    ("service", "大腸カメラ", ["大腸内視鏡"]), ("service", "エコー", ["超音波検査"]),
    ("service", "在宅医", ["訪問診療", "往診", "在宅療養支援診療所"]),
    ("dept", "jibika", ["耳鼻いんこう科"]), ("care", "tokuyou", ["介護老人福祉施設", "地域密着型介護老人福祉施設"]),
]


def other_words(n):
    sys.path.insert(0, os.path.dirname(GEN))
    import gen_workload  # noqa: E402

    site = gen_workload.generate(n)
    lines = []
    for kind, word, values in OTHER_WORDS:
        if kind == "care":
            rel = ["care/" + c["slug"] for c in site["care"] if set(c.get("services", [])) & set(values)]
        else:
            field = "departments" if kind == "dept" else "services"
            rel = ["partners/" + p["slug"] for p in site["partners"] if set(p.get(field, [])) & set(values)]
        if rel:
            lines.append(f"other-{kind}\t{word}\t-\t-\t{' '.join(rel)}\n")
    return lines


def gz_size(folder):
    raw = packed = 0
    for dirpath, _, files in os.walk(folder):
        for f in files:
            if f.endswith(".json"):
                with open(os.path.join(dirpath, f), "rb") as fh:
                    data = fh.read()
                raw += len(data)
                packed += len(gzip.compress(data, 9))
    return raw, packed


def build(site, out, runs):
    times = []
    for _ in range(runs):
        proc = subprocess.run([BIN, "build", "--root", site, "--out", out, "--date", "2026-11-25"],
                              env={**os.environ, "RENKEI_TIMINGS": "1"}, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"build failed:\n{proc.stderr[-2000:]}")
        m = re.search(r"search index: (\d+) ms", proc.stderr)
        times.append(int(m.group(1)))
    return statistics.median(times), times


def evaluate(out, tsv):
    proc = subprocess.run(["node", EVAL, out, tsv, "--json"], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout)


def report(title, data):
    print(f"  {title}: {data['summary']['queries']} queries")
    types = {}
    for r in data["results"]:
        t = types.setdefault(r["type"], {"n": 0, "recall": 0.0, "rr": []})
        t["n"] += 1
        t["recall"] += r["recall"]
        if r["rr"] is not None:
            t["rr"].append(r["rr"])
    print("    type                     n  recall@10   MRR")
    for name, t in types.items():
        mrr = f"{statistics.mean(t['rr']):.3f}" if t["rr"] else "  -  "
        print(f"    {name:<22} {t['n']:>3}  {t['recall'] / t['n']:.3f}     {mrr}")
    s = data["summary"]
    mrr = f"{s['mrr']:.3f}" if any(t["rr"] for t in types.values()) else "  -  "
    print(f"    {'overall':<22} {s['queries']:>3}  {s['recall10']:.3f}     {mrr}")
    over = [r for r in data["results"] if r["bytes"] > 50 * 1024]
    print(f"    first-query bytes (gzip): median {s['bytesMedian']:,}, max {s['bytesMax']:,}, "
          f"over 50 KB: {len(over)}")
    for r in over:
        print(f"    over 50 KB: {r['type']} {r['query']!r} {r['bytes']:,} bytes in {r['files']} files")
    for r in data["results"]:
        if r["recall"] < 1 or (r["rr"] is not None and r["rr"] < 1):
            print(f"    miss: {r['type']} {r['query']!r} recall {r['recall']:.2f} rr {r['rr']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sample", type=int, default=40, help="records drawn per unlisted query kind")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    need_generator()
    if not os.path.exists(BIN):
        sys.exit("build the release binary first: cargo build --release")
    with tempfile.TemporaryDirectory(prefix="renkei-search-") as tmp:
        for n in args.sizes:
            site = os.path.join(tmp, f"site-{n}")
            out = os.path.join(tmp, f"out-{n}")
            subprocess.run([sys.executable, GEN, "--n", str(n), "--out", site], check=True,
                           stdout=subprocess.DEVNULL)
            median_ms, times = build(site, out, args.runs)
            raw, packed = gz_size(os.path.join(out, "search"))
            files = sum(len(f) for _, _, f in os.walk(os.path.join(out, "search")))
            print(f"== {n:,} partners")
            print(f"  index: {raw / 1e6:.1f} MB raw, {packed / 1e6:.2f} MB gzip, {files:,} files; "
                  f"build {median_ms} ms median of {times}")
            judged = JUDGMENTS.format(n // 1000)
            if os.path.exists(judged):
                report("judged (../shared/search)", evaluate(out, judged))
            if os.path.exists(EVERYDAY):
                everyday = os.path.join(tmp, f"everyday-{n}.tsv")
                with open(everyday, "w", encoding="utf-8") as f:
                    subprocess.run([sys.executable, everyday_script(tmp), "--n", str(n)], check=True,
                                   stdout=f)
                report("everyday words (../shared/search/everyday-judgments.py)",
                       evaluate(out, everyday))
                other = os.path.join(tmp, f"other-words-{n}.tsv")
                with open(other, "w", encoding="utf-8") as f:
                    f.writelines(other_words(n))
                report("everyday words not in that list (OTHER_WORDS here)", evaluate(out, other))
            tsv = os.path.join(tmp, f"unlisted-{n}.tsv")
            with open(tsv, "w", encoding="utf-8") as f:
                for kind, query, target in unlisted_queries(site, args.sample, args.seed):
                    f.write(f"{kind}\t{query}\t-\t{target}\t{target}\n")
            report("unlisted (drawn from the workload)", evaluate(out, tsv))


if __name__ == "__main__":
    main()
