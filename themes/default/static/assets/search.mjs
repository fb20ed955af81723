// renkei site search: the client of the index `renkei build` writes under search/ (layout in
// src/search/index.rs) and the script of the /search/ page. No dependencies, no framework.
//
// A query is cut into runs (normalize.mjs, shared with the build); a record matches when it has
// every run. Each run is looked up by a few of its character trigrams (bigram or kanji when
// shorter), enough to pin it down without fetching every shard a long name touches.
import { normalize, queryRuns } from './normalize.mjs';

export const FACETS = ['area', 'kind', 'dept', 'service'];
const GRAMS_PER_RUN = 6;
const GRAMS_PER_QUERY = 8;
const PAGE = 10;

/** FNV-1a of the UTF-8 bytes, as the build hashes grams into shards. */
export function fnv1a(text) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

function isIdeograph(c) {
  const n = c.codePointAt(0);
  return n >= 0x3400 && n <= 0x9fff || n >= 0xf900 && n <= 0xfaff || n >= 0x20000 && n <= 0x3ffff;
}

/**
 * The grams a run is looked up by: a kanji by itself, two characters as a bigram, longer runs
 * by their trigrams: all of them up to GRAMS_PER_RUN; beyond that, common ones (`heavy`, listed
 * by the index) are left out while rarer ones remain, and GRAMS_PER_RUN are spread over the rest.
 */
export function runGrams(run, heavy = new Set()) {
  const cs = Array.from(run);
  if (cs.length < 3) return cs.length === 2 ? [cs.join('')] : cs.length && isIdeograph(cs[0]) ? cs : [];
  const all = [];
  for (let i = 0; i + 2 < cs.length; i++) all.push(cs[i] + cs[i + 1] + cs[i + 2]);
  const rare = all.filter((g) => !heavy.has(g));
  const from = all.length > GRAMS_PER_RUN && rare.length ? rare : all;
  const picks = Math.min(from.length, GRAMS_PER_RUN);
  const grams = [];
  for (let k = 0; k < picks; k++) grams.push(from[picks === 1 ? 0 : Math.round(k * (from.length - 1) / (picks - 1))]);
  return [...new Set(grams)];
}

function gaps(list) {
  let d = 0;
  return list.map((g) => (d += g));
}

// [weight, count, gaps…, weight, count, gaps…] → Map(record → weight)
function decode(list) {
  const m = new Map();
  for (let i = 0; i < list.length;) {
    const w = list[i], n = list[i + 1];
    i += 2;
    let d = 0;
    for (let k = 0; k < n; k++) m.set(d += list[i++], w);
  }
  return m;
}

/** The index of one site. `base` is the URL of its search/ folder; `load` fetches JSON. */
export class Index {
  constructor(base, load = defaultLoad) {
    this.base = base.endsWith('/') ? base : base + '/';
    this.load = load;
    this.files = new Map();
  }

  file(path) {
    if (!this.files.has(path)) this.files.set(path, this.load(this.base + path));
    return this.files.get(path);
  }

  manifest() {
    return this.file('index.json');
  }

  async postings(gram) {
    const m = await this.manifest();
    const all = m.postings || await this.file(`p/${fnv1a(gram) % m.shards}.json`);
    return all[gram] ? decode(all[gram]) : new Map();
  }

  async facet(key, value) {
    const m = await this.manifest();
    const i = (m.facets[key] || []).indexOf(value);
    if (i < 0) return new Set();
    const list = m.facetDocs ? m.facetDocs[key][i] : await this.file(`f/${key}-${i}.json`);
    return new Set(gaps(list));
  }

  /**
   * Records matching every run of `q` and every filter (`{area: '東地区'}`; a list means any of
   * them), best first. Returns {ids, runs}; `ids` is null when there is nothing to search for.
   */
  async search(q, filters = {}) {
    const m = await this.manifest();
    const runs = queryRuns(q);
    const heavy = new Set(m.heavy);
    const grams = runs.map((r) => runGrams(r, heavy)).filter((g) => g.length);
    // Many words: trim the longest runs' middles so a first query stays small.
    for (let total = grams.flat().length; total > GRAMS_PER_QUERY; total--) {
      const longest = grams.reduce((a, b) => (b.length > a.length ? b : a));
      if (longest.length <= 2) break;
      longest.splice(longest.length >> 1, 1);
    }
    // A record whose whole name, reading or number is the query comes first.
    const exact = this.postings(`=${runs.join('')}`);
    const lists = await Promise.all(grams.map((gs) => Promise.all(gs.map((g) => this.postings(g)))));
    let scores = null;
    for (const run of lists) {
      let s = null;
      for (const docs of run) {
        const idf = Math.log(1 + (m.docs - docs.size + 0.5) / (docs.size + 0.5));
        if (!s) s = new Map([...docs].map(([d, w]) => [d, w * idf]));
        else for (const [d, v] of s) docs.has(d) ? s.set(d, v + docs.get(d) * idf) : s.delete(d);
      }
      if (!scores) scores = s;
      else for (const [d, v] of scores) s.has(d) ? scores.set(d, v + s.get(d)) : scores.delete(d);
    }
    for (const key of FACETS) {
      const wanted = [].concat(filters[key] || []).filter(Boolean);
      if (!wanted.length) continue;
      const sets = await Promise.all(wanted.map((v) => this.facet(key, v)));
      const keep = (d) => sets.some((set) => set.has(d));
      if (!scores) scores = new Map([...new Set(sets.flatMap((set) => [...set]))].map((d) => [d, 0]));
      else for (const d of scores.keys()) if (!keep(d)) scores.delete(d);
    }
    if (!scores) return { ids: null, runs };
    for (const [d, w] of await exact) if (scores.has(d)) scores.set(d, scores.get(d) + w * 10);
    const ids = [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((e) => e[0]);
    return { ids, runs };
  }

  /** What results show for `ids`: {path, title, kind, area, tel, sub}. */
  async rows(ids) {
    const m = await this.manifest();
    return Promise.all(ids.map(async (id) => {
      const r = m.rows ? m.rows[id] : (await this.file(`d/${Math.floor(id / m.chunk)}.json`))[id % m.chunk];
      const [path, title, kind, area, tel, sub] = r;
      return { id, path, title, kind, area, tel, sub };
    }));
  }
}

async function defaultLoad(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

/** Splits `text` into [piece, matched] pairs, marking where a query run occurs (as normalised). */
export function highlight(text, runs) {
  const cs = Array.from(text);
  const hit = new Array(cs.length).fill(false);
  const flat = (s) => normalize(s).replace(/ /g, '');
  const blank = (c) => /\s/.test(c);
  for (let i = 0; i < cs.length; i++) {
    if (blank(cs[i])) continue;
    for (let j = i + 1; j <= cs.length; j++) {
      const n = flat(cs.slice(i, j).join(''));
      if (runs.includes(n) && !blank(cs[j - 1])) hit.fill(true, i, j);
      // A hyphen that will vanish between digits (099-) must not end the scan early.
      const stem = n.replace(/[-‐‑‒–—―−]+$/, '');
      if (!runs.some((r) => r.startsWith(stem))) break;
    }
  }
  const out = [];
  cs.forEach((c, i) => {
    const last = out[out.length - 1];
    if (last && last[1] === hit[i]) last[0] += c;
    else out.push([c, hit[i]]);
  });
  return out;
}

// The /search/ page.

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

function marked(tag, cls, text, runs) {
  const e = el(tag, cls);
  for (const [piece, hit] of highlight(text, runs)) e.append(hit ? el('mark', '', piece) : piece);
  return e;
}

function resultItem(row, runs, home) {
  const li = el('li', 'result');
  const a = el('a', 'result__title');
  a.href = home + row.path;
  a.append(marked('span', '', row.title, runs));
  li.append(a);
  const meta = el('p', 'result__meta');
  for (const part of [row.kind, row.area]) if (part) meta.append(el('span', 'chip', part));
  if (row.tel) meta.append(marked('span', 'result__tel', `TEL ${row.tel}`, runs));
  li.append(meta);
  if (row.sub) li.append(marked('p', 'result__sub', row.sub, runs));
  return li;
}

function init() {
  const form = document.querySelector('[data-search-form]');
  if (!form) return;
  const status = document.querySelector('[data-search-status]');
  const list = document.querySelector('[data-search-results]');
  const more = document.querySelector('[data-search-more]');
  const index = new Index(new URL(form.dataset.index, location.href).href);
  const home = form.dataset.home;
  let current = { ids: [], runs: [], shown: 0 };
  let seq = 0;
  let timer = 0;
  form.hidden = false;
  document.querySelector('[data-search-nojs]')?.remove();

  const params = () => {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v.trim()) p.set(k, v.trim());
    return p;
  };
  const fill = () => {
    const p = new URLSearchParams(location.search);
    for (const k of ['q', ...FACETS]) if (form.elements[k]) form.elements[k].value = p.get(k) || '';
  };
  const showMore = async () => {
    const { ids, runs } = current;
    const rows = await index.rows(ids.slice(current.shown, current.shown + PAGE));
    for (const row of rows) list.append(resultItem(row, runs, home));
    current.shown += rows.length;
    more.hidden = current.shown >= ids.length;
  };
  const run = async () => {
    const mine = ++seq;
    const p = params();
    const filters = {};
    for (const k of FACETS) if (p.get(k)) filters[k] = p.get(k);
    let found;
    let rows;
    try {
      found = await index.search(p.get('q') || '', filters);
      rows = await index.rows((found.ids || []).slice(0, PAGE));
    } catch (e) {
      status.textContent = '検索の準備に失敗しました。ページを再読み込みしてください。';
      return;
    }
    if (mine !== seq) return;
    // Results and their count change together, so the announcement matches what is shown.
    current = { ids: found.ids || [], runs: found.runs, shown: rows.length };
    list.replaceChildren(...rows.map((row) => resultItem(row, found.runs, home)));
    more.hidden = current.shown >= current.ids.length;
    const q = p.get('q');
    const what = q ? `「${q}」の検索結果` : '絞り込みの結果';
    status.textContent = !found.ids ? '名前・よみがな・電話番号・診療科・地区などを入力してください。'
      : found.ids.length ? `${what}: ${found.ids.length}件`
        : `${what}は見つかりませんでした。言葉を短くするか、よみがなでお試しください。`;
  };
  const update = (push) => {
    const url = `${location.pathname}${params().toString() ? `?${params()}` : ''}`;
    if (url !== `${location.pathname}${location.search}`) history[push ? 'pushState' : 'replaceState'](null, '', url);
    run();
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    update(true);
  });
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => update(false), 250);
  });
  form.addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT') update(true);
  });
  more.addEventListener('click', showMore);
  window.addEventListener('popstate', () => {
    fill();
    run();
  });
  fill();
  run();
}

if (typeof document !== 'undefined') init();
