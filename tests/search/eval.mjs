// Runs judged queries through the real search client against a built site and prints
// recall@10 and MRR per query type, and the bytes (gzip) each query fetches from a cold start.
//
//   node tests/search/eval.mjs <output folder> <judgments.tsv> [--json]
//
// Format and metrics: ../shared/search/README.md. Used by bench/search_eval.py and tests/search.rs.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';

const [out, judgments, flag] = process.argv.slice(2);
// The client as the site ships it (its normalize.mjs imports the table the build generated).
const { Index } = await import(pathToFileURL(path.resolve(out, 'assets', 'search.mjs')));
const searchDir = path.join(out, 'search');

function loader(counter) {
  return async (url) => {
    const bytes = fs.readFileSync(path.join(searchDir, url.slice('search:/'.length)));
    counter.bytes += zlib.gzipSync(bytes, { level: 9 }).length;
    counter.files += 1;
    return JSON.parse(bytes.toString('utf8'));
  };
}

const rows = fs.readFileSync(judgments, 'utf8').split('\n')
  .filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t'));
const byType = new Map();
const results = [];
for (const [type, query, filters, target, relevant] of rows) {
  const counter = { bytes: 0, files: 0 };
  const index = new Index('search:/', loader(counter));
  const f = filters === '-' ? {} : Object.fromEntries(new URLSearchParams(filters));
  const found = await index.search(query, f);
  const top = (await index.rows((found.ids || []).slice(0, 10))).map((r) => r.path.replace(/\/$/, ''));
  const rel = new Set(relevant.split(' '));
  const recall = top.filter((p) => rel.has(p)).length / Math.min(10, rel.size);
  const rank = target === '-' ? null : top.indexOf(target) + 1;
  const rr = rank === null ? null : rank ? 1 / rank : 0;
  const t = byType.get(type) || { n: 0, recall: 0, rrN: 0, rr: 0 };
  t.n += 1; t.recall += recall;
  if (rr !== null) { t.rrN += 1; t.rr += rr; }
  byType.set(type, t);
  results.push({ type, query, filters, recall, rr, bytes: counter.bytes, files: counter.files, total: (found.ids || []).length, top });
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : 0; };
const withTarget = results.filter((r) => r.rr !== null);
const summary = {
  queries: results.length,
  recall10: mean(results.map((r) => r.recall)),
  mrr: mean(withTarget.map((r) => r.rr)),
  bytesMedian: median(results.map((r) => r.bytes)),
  bytesMax: Math.max(...results.map((r) => r.bytes)),
};
if (flag === '--json') {
  console.log(JSON.stringify({ summary, results }));
} else {
  console.log('type\tqueries\trecall@10\tMRR');
  for (const [type, t] of byType) {
    console.log(`${type}\t${t.n}\t${(t.recall / t.n).toFixed(3)}\t${t.rrN ? (t.rr / t.rrN).toFixed(3) : '-'}`);
  }
  console.log(`overall\t${summary.queries}\t${summary.recall10.toFixed(3)}\t${summary.mrr.toFixed(3)}`);
  console.log(`first-query bytes (gzip): median ${summary.bytesMedian}, max ${summary.bytesMax}`);
  for (const r of results) if (r.recall < 1 || (r.rr !== null && r.rr < 1)) {
    console.log(`  miss: ${r.type}\t${r.query}\t${r.filters}\trecall ${r.recall.toFixed(2)} rr ${r.rr} total ${r.total} top ${r.top.slice(0, 3).join(' ')}`);
  }
}
