// renkei site search: the client of the index `renkei build` writes under search/ (layout in
// src/search/index.rs) and the script of the /search/ page. No dependencies, no framework.
//
// A query is cut into runs (normalize.mjs, shared with the build); a record matches when it has
// every run. Each run is looked up by a few of its character trigrams (bigram or kanji when
// shorter), enough to pin it down without fetching every shard a long name touches.
import { normalize, queryRuns } from './normalize.mjs';
import { Words, toKana, collapse, slipDistance } from './words.mjs';

export const FACETS = ['area', 'kind', 'dept', 'service'];
const GRAMS_PER_RUN = 6;
const GRAMS_PER_QUERY = 8;
const PAGE = 10;
// Fewer results than this (none a whole-name match) and the tolerant pass looks for slips.
const SLIP_BELOW = 3;
// Trigrams the tolerant pass fetches, and names it checks.
const SLIP_GRAMS = 6;
const SLIP_CHECK = 12;

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

/** Every three consecutive characters of `cs` (an array of characters). */
function trigrams(cs) {
  const all = [];
  for (let i = 0; i + 2 < cs.length; i++) all.push(cs[i] + cs[i + 1] + cs[i + 2]);
  return all;
}

/**
 * The grams a run is looked up by: a kanji by itself, two characters as a bigram, longer runs
 * by their trigrams: all of them up to GRAMS_PER_RUN; beyond that, common ones (`heavy`, listed
 * by the index) are left out while rarer ones remain, and GRAMS_PER_RUN are spread over the rest.
 */
export function runGrams(run, heavy = new Set()) {
  const cs = Array.from(run);
  if (cs.length < 3) return cs.length === 2 ? [cs.join('')] : cs.length && isIdeograph(cs[0]) ? cs : [];
  const all = trigrams(cs);
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

  words() {
    return this._words || (this._words = this.manifest().then((m) => new Words(m)));
  }

  /** Postings of a run's grams, as one Map(record → score): records with every gram. */
  async runScores(grams, m) {
    const lists = await Promise.all(grams.map((g) => this.postings(g)));
    let s = null;
    for (const docs of lists) {
      const idf = Math.log(1 + (m.docs - docs.size + 0.5) / (docs.size + 0.5));
      if (!s) s = new Map([...docs].map(([d, w]) => [d, w * idf]));
      else for (const [d, v] of s) docs.has(d) ? s.set(d, v + docs.get(d) * idf) : s.delete(d);
    }
    return s || new Map();
  }

  /** Records with any of the meanings `ids` (indexes into the manifest's meanings). */
  async meaningDocs(ids, m) {
    const sets = await Promise.all(ids.map((i) => this.facet(m.meanings[i][0], m.meanings[i][1])));
    return new Set(sets.flatMap((set) => [...set]));
  }

  /**
   * Records matching every run of `q` and every filter (`{area: '東地区'}`; a list means any of
   * them), best first. A run matches by its letters (read as kana when typed in romaji) or by
   * what it means (耳鼻科 → every record with 耳鼻いんこう科); records matched by meaning come
   * first. When that finds fewer than SLIP_BELOW records, names one slip from the longest run
   * follow (never above an exact match) and `suggestion` names the closest.
   * Returns {ids, runs, meanings, read, exact, suggestion}; `ids` is null when there is nothing
   * to search for.
   */
  async search(q, filters = {}) {
    const m = await this.manifest();
    const words = await this.words();
    const runs = queryRuns(q);
    // A run typed in romaji is searched as its reading, long vowels left out (the index holds
    // readings that way too).
    const forms = runs.map((r) => {
      const kana = toKana(r);
      return kana ? collapse(kana) : r;
    });
    const heavy = new Set(m.heavy);
    const grams = forms.map((r) => runGrams(r, heavy));
    // Many words: trim the longest runs' middles so a first query stays small.
    for (let total = grams.flat().length; total > GRAMS_PER_QUERY; total--) {
      const longest = grams.reduce((a, b) => (b.length > a.length ? b : a));
      if (longest.length <= 2) break;
      longest.splice(longest.length >> 1, 1);
    }
    // What each run means beyond its own letters: 「耳鼻科」 → 耳鼻いんこう科. A word that is
    // itself the value (「MRI」, 「研修会」) is left to the text match, which already finds it.
    const meant = runs.map((r) => {
      const ids = (words.lookup(r) || []).filter((i) => normalize(m.meanings[i][1]).replace(/ /g, '') !== r);
      return ids.length ? ids : null;
    });
    // A record whose whole name, reading or number is the query comes first.
    const exact = this.postings(`=${forms.join('')}`);
    const byMeaning = new Map();
    // A meaning (診療科, 介護サービス) describes what a place offers; a 登録医 with that 診療科
    // fits it less, so places rank first.
    const people = meant.some(Boolean) ? await this.facet('kind', '登録医') : new Set();
    // Per run: the records it matches, by text score; records matched by meaning score 0 here
    // and are counted in byMeaning, which ranks first.
    const sets = await Promise.all(runs.map(async (_, k) => {
      const [text, meaning] = await Promise.all([grams[k].length ? this.runScores(grams[k], m) : null,
        meant[k] && this.meaningDocs(meant[k], m)]);
      if (!text && !meaning) return null;
      const s = new Map(text || []);
      for (const d of meaning || []) {
        s.set(d, s.get(d) || 0);
        byMeaning.set(d, (byMeaning.get(d) || 0) + (people.has(d) ? 1 : 2));
      }
      return s;
    }));
    let scores = null;
    for (const s of sets.filter(Boolean)) {
      if (!scores) scores = s;
      else for (const [d, v] of scores) s.has(d) ? scores.set(d, v + s.get(d)) : scores.delete(d);
    }
    const keep = await this.filter(filters);
    if (!scores && keep) scores = new Map([...keep].map((d) => [d, 0]));
    if (!scores) return { ids: null, runs, meanings: [], read: [], exact: 0, suggestion: null };
    if (keep) for (const d of scores.keys()) if (!keep.has(d)) scores.delete(d);
    const whole = await exact;
    for (const [d, w] of whole) if (scores.has(d)) scores.set(d, scores.get(d) + w * 10);
    const rank = (a, b) => (byMeaning.get(b[0]) || 0) - (byMeaning.get(a[0]) || 0) || b[1] - a[1] || a[0] - b[0];
    const ids = [...scores].sort(rank).map((e) => e[0]);
    const found = {
      ids,
      runs: [...new Set([...runs, ...forms])],
      meanings: [...new Set(meant.flat().filter((i) => i !== null))],
      read: runs.map((r) => [r, toKana(r)]).filter((x) => x[1]),
      exact: ids.length,
      suggestion: null,
    };
    // Little found, and not a whole name or number: perhaps a slip.
    if (ids.length < SLIP_BELOW && !ids.some((d) => whole.has(d))) await this.slips(found, forms, sets, keep, heavy);
    return found;
  }

  /** Records with every facet filter, or null when no filter is set. */
  async filter(filters) {
    let keep = null;
    for (const key of FACETS) {
      const wanted = [].concat(filters[key] || []).filter(Boolean);
      if (!wanted.length) continue;
      const sets = await Promise.all(wanted.map((v) => this.facet(key, v)));
      const any = new Set(sets.flatMap((set) => [...set]));
      keep = keep ? new Set([...keep].filter((d) => any.has(d))) : any;
    }
    return keep;
  }

  /**
   * The tolerant pass: records sharing most trigrams of the longest run (one slip breaks at most
   * three), whose name is then checked to be one slip away. The other runs and the filters
   * still apply. Appends them to `found.ids` after the exact matches.
   */
  async slips(found, forms, sets, keep, heavy) {
    let k = -1;
    forms.forEach((f, i) => { if (Array.from(f).length >= 4 && (k < 0 || f.length > forms[k].length)) k = i; });
    if (k < 0) return;
    const run = forms[k];
    const cs = Array.from(run);
    const all = trigrams(cs);
    // Common trigrams (every クリニック's) say nothing about which name was meant and are large.
    const rare = all.filter((g) => !heavy.has(g));
    const from = rare.length ? rare : all;
    const picks = from.length <= SLIP_GRAMS ? from
      : Array.from({ length: SLIP_GRAMS }, (_, i) => from[Math.round(i * (from.length - 1) / (SLIP_GRAMS - 1))]);
    // The run's first and last two characters as well: a slip near an end leaves no trigram
    // there, and the ends are what tell 「栄町(皮)膚科診療所」 from every other 皮膚科診療所. Not
    // where the end is common (「…診療所」): that list is large and tells nothing.
    const ends = [...new Set([[all[0], cs[0] + cs[1]], [all[all.length - 1], cs[cs.length - 2] + cs[cs.length - 1]]]
      .filter(([tri]) => !heavy.has(tri)).map(([, bi]) => bi))];
    const [lists, edges] = await Promise.all([Promise.all([...new Set(picks)].map((g) => this.postings(g))),
      Promise.all(ends.map((g) => this.postings(g)))]);
    const shared = new Map();
    for (const docs of lists) for (const d of docs.keys()) shared.set(d, (shared.get(d) || 0) + 1);
    const need = Math.max(1, lists.length - 3);
    const edge = (d) => edges.filter((docs) => docs.has(d)).length;
    const others = forms.map((_, i) => i).filter((i) => i !== k);
    const fits = (d) => !found.ids.includes(d) && (!keep || keep.has(d)) && others.every((i) => !sets[i] || sets[i].has(d));
    const candidates = [...shared].filter(([d, n]) => n >= need && fits(d))
      .map(([d, n]) => [d, n + edge(d)]).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, SLIP_CHECK).map((e) => e[0]);
    // Names are checked a few at a time, best candidates first, until some are one slip away:
    // each check may fetch a result file.
    const flat = (r) => Array.from(normalize(r.title).replace(/ /g, ''));
    const near = [];
    for (let i = 0; i < candidates.length && !near.length; i += 4) {
      for (const r of await this.rows(candidates.slice(i, i + 4))) {
        if (slipDistance(run, flat(r).join('')) === 1) near.push(r);
      }
    }
    // Of names one slip away, the one closest in length first (「…記念院」 is 「…記念病院」 rather
    // than 「…記念病院 リハビリテーション棟」).
    near.sort((a, b) => Math.abs(flat(a).length - cs.length) - Math.abs(flat(b).length - cs.length));
    found.ids.push(...near.map((r) => r.id));
    if (near.length) found.suggestion = { title: near[0].title, path: near[0].path };
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

/** 「耳鼻いんこう科、…」: what the vocabulary read a query as, at most three values. */
function meaningText(found, m) {
  const values = [...new Set(found.meanings.map((i) => m.meanings[i][1]))]
    .filter((v) => !found.runs.includes(normalize(v)));
  if (!values.length) return '';
  return values.slice(0, 3).map((v) => `「${v}」`).join('') + (values.length > 3 ? 'など' : '');
}

function init() {
  const form = document.querySelector('[data-search-form]');
  if (!form) return;
  const status = document.querySelector('[data-search-status]');
  const note = document.querySelector('[data-search-note]');
  const list = document.querySelector('[data-search-results]');
  const more = document.querySelector('[data-search-more]');
  const help = document.querySelector('[data-search-help]');
  const helpLinks = document.querySelector('[data-search-help-links]');
  const toggle = document.querySelector('[data-search-toggle]');
  const filters = document.getElementById(toggle.getAttribute('aria-controls'));
  const index = new Index(new URL(form.dataset.index, location.href).href);
  const home = form.dataset.home;
  const generalHelp = [...helpLinks.children];
  let current = { ids: [], runs: [], shown: 0 };
  let seq = 0;
  let timer = 0;
  let openedByVisitor = false;
  form.hidden = false;
  toggle.hidden = false;
  document.querySelector('[data-search-nojs]')?.remove();

  // The filters fold away once there are results, so on a phone the first result is on the
  // first screen; a visitor who opened them keeps them open.
  const showFilters = (open) => {
    filters.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    const set = FACETS.filter((k) => form.elements[k]?.value).length;
    toggle.textContent = (open ? '絞り込みを閉じる' : '絞り込み(地区・種類・診療科)') + (set ? `: ${set}件指定中` : '');
  };
  toggle.addEventListener('click', () => {
    openedByVisitor = filters.hidden;
    showFilters(filters.hidden);
  });

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
  const link = (href, text) => {
    const a = el('a', '', text);
    a.href = href;
    return a;
  };
  // What the search understood, and a way on when it found nothing.
  const explain = (found, q, m) => {
    const parts = [];
    const meant = meaningText(found, m);
    if (meant) parts.push(`${meant}として探しています。`);
    for (const [typed, kana] of found.read) parts.push(`「${typed}」を「${kana}」と読んで探しています。`);
    note.replaceChildren();
    if (found.suggestion) {
      const p = el('p', 'search-results__suggest', 'もしかして: ');
      p.append(link(`?q=${encodeURIComponent(found.suggestion.title)}`, found.suggestion.title));
      note.append(p);
    }
    if (parts.length) note.append(el('p', '', parts.join('')));
    const none = q && found.ids && !found.ids.length;
    help.hidden = !none;
    const specific = found.meanings.map((i) => m.meanings[i]).filter((x) => x[2])
      .map(([, value, path]) => {
        const li = el('li');
        li.append(link(home + path, `${value}の一覧`));
        return li;
      });
    helpLinks.replaceChildren(...specific, ...generalHelp);
  };
  const run = async (byQuery) => {
    const mine = ++seq;
    const p = params();
    const filtersSet = {};
    for (const k of FACETS) if (p.get(k)) filtersSet[k] = p.get(k);
    let found;
    let rows;
    let m;
    try {
      m = await index.manifest();
      found = await index.search(p.get('q') || '', filtersSet);
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
    const close = found.ids ? found.ids.length - found.exact : 0;
    status.textContent = !found.ids ? '名前・よみがな・電話番号・診療科・地区などを入力してください。'
      : found.exact ? `${what}: ${found.exact}件` + (close ? `(似た名前 ${close}件を含めて表示)` : '')
        : close ? `${what}は見つかりませんでした。似た名前が${close}件あります。`
          : `${what}は見つかりませんでした。`;
    explain(found, q, m);
    if (byQuery && current.ids.length && !openedByVisitor) showFilters(false);
    else if (!current.ids.length) showFilters(true);
    else showFilters(!filters.hidden);
  };
  const update = (push, byQuery) => {
    const url = `${location.pathname}${params().toString() ? `?${params()}` : ''}`;
    if (url !== `${location.pathname}${location.search}`) history[push ? 'pushState' : 'replaceState'](null, '', url);
    run(byQuery);
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    update(true, true);
  });
  form.addEventListener('input', (e) => {
    if (e.target.tagName === 'SELECT') return;
    clearTimeout(timer);
    timer = setTimeout(() => update(false, true), 250);
  });
  form.addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT') update(true, false);
  });
  more.addEventListener('click', showMore);
  window.addEventListener('popstate', () => {
    fill();
    run(true);
  });
  fill();
  run(true);
}

if (typeof document !== 'undefined') init();
