// renkei search: what a query means beyond its letters (the browser half of src/search/romaji.rs,
// slip.rs and vocabulary.rs; tests/search/words.tsv runs the same cases through both).
//
// - toKana: a run typed with the IME off (asahimachi, chuo byoin, sato ichiro) read as kana.
// - collapse: long vowels left out (ちゅうおう → ちゆお), so chuo, chuuou and chuoh meet.
// - slipDistance: slips between a query and the closest part of a name (朝日町クリニク).
// - Words: the site's vocabulary from the index manifest (耳鼻科 → 耳鼻いんこう科, 特養 → …).
import { normalize } from './normalize.mjs';

// Latin syllables and their kana, longest spellings first (the table of romaji.rs): the
// irregular and contracted spellings, then each consonant row with the five vowels.
const SYLLABLES = [];
for (const [latin, kana] of [['sh', 'し'], ['ch', 'ち'], ['j', 'じ'], ['sy', 'し'], ['cy', 'ち'], ['ty', 'ち'],
  ['zy', 'じ'], ['jy', 'じ'], ['dy', 'ぢ'], ...Array.from('knhmrgbp', (c) => [c + 'y', 'きにひみりぎびぴ'['knhmrgbp'.indexOf(c)]])]) {
  for (const [v, small] of [['a', 'ゃ'], ['u', 'ゅ'], ['o', 'ょ'], ['e', 'ぇ']]) {
    if (v !== 'e' || latin === 'sh' || latin === 'ch' || latin === 'j') SYLLABLES.push(latin + v, kana + small);
  }
}
SYLLABLES.push('shi', 'し', 'chi', 'ち', 'tsu', 'つ', 'thi', 'てぃ', 'dhi', 'でぃ', 'xtu', 'っ', 'ltu', 'っ',
  'fu', 'ふ', 'ji', 'じ', 'fa', 'ふぁ', 'fi', 'ふぃ', 'fe', 'ふぇ', 'fo', 'ふぉ', 'va', 'ゔぁ', 'vi', 'ゔぃ', 'vu', 'ゔ');
for (const row of ['kかきくけこ', 'sさしすせそ', 'tたちつてと', 'nなにぬねの', 'hはひふへほ', 'mまみむめも', 'yや_ゆ_よ',
  'rらりるれろ', 'wわ___を', 'gがぎぐげご', 'zざじずぜぞ', 'dだぢづでど', 'bばびぶべぼ', 'pぱぴぷぺぽ']) {
  const [c, ...kana] = Array.from(row);
  kana.forEach((k, i) => { if (k !== '_') SYLLABLES.push(c + 'aiueo'[i], k); });
}
SYLLABLES.push('a', 'あ', 'i', 'い', 'u', 'う', 'e', 'え', 'o', 'お');

const vowel = (c) => c !== undefined && 'aiueo'.includes(c);

/** The reading of a run typed in Latin letters, normalised, or null when it is not romaji. */
export function toKana(run) {
  if (run.length < 2 || !/^[a-z'-]+$/.test(run)) return null;
  let out = '';
  for (let i = 0; i < run.length;) {
    const c = run[i], next = run[i + 1];
    if (c === '-') { out += 'ー'; i++; continue; }
    if (c === "'") { i++; continue; }
    if (c === 'n' && next === 'n') {
      out += 'ん';
      i += vowel(run[i + 2]) || run[i + 2] === 'y' ? 1 : 2;
      continue;
    }
    if (c === 'n' && !(vowel(next) || next === 'y')) { out += 'ん'; i++; continue; }
    if (c === 'm' && 'bmp'.includes(next || '_')) { out += 'ん'; i++; continue; }
    if (!vowel(c) && (next === c || (c === 't' && next === 'c'))) { out += 'っ'; i++; continue; }
    if (c === 'h' && run[i - 1] === 'o' && !(vowel(next) || next === 'y')) { out += 'う'; i++; continue; }
    let found = false;
    for (let k = 0; k < SYLLABLES.length; k += 2) {
      if (run.startsWith(SYLLABLES[k], i)) {
        out += SYLLABLES[k + 1];
        i += SYLLABLES[k].length;
        found = true;
        break;
      }
    }
    if (!found) return null;
  }
  return normalize(out);
}

const ROWS = [['a', 'あかさたなはまやらわがざだばぱ'], ['i', 'いきしちにひみりぎじぢびぴ'],
  ['u', 'うくすつぬふむゆるぐずづぶぷゔ'], ['e', 'えけせてねへめれげぜでべぺ'], ['o', 'おこそとのほもよろをごぞどぼぽ']];
const VOWEL = new Map(ROWS.flatMap(([v, row]) => Array.from(row, (c) => [c, v])));

/** Long vowels left out: ー dropped, う/お after an o-sound and う after a u-sound. */
export function collapse(text) {
  let out = '';
  let last = null;
  for (const c of text) {
    if (c === 'ー') continue;
    const v = VOWEL.get(last);
    if ((v === 'o' && (c === 'う' || c === 'お')) || (v === 'u' && c === 'う')) continue;
    out += c;
    last = c;
  }
  return out;
}

/** Slips (insert, delete, replace, swap) from `query` to the closest part of `text`. */
export function slipDistance(query, text) {
  const q = Array.from(query), t = Array.from(text);
  const rows = q.map(() => []);
  rows.unshift(new Array(t.length + 1).fill(0));
  for (let i = 1; i <= q.length; i++) {
    rows[i][0] = i;
    for (let j = 1; j <= t.length; j++) {
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (q[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && q[i - 1] === t[j - 2] && q[i - 2] === t[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return Math.min(...rows[q.length]);
}

/** The vocabulary of the manifest: {meanings: [[facet, value, browse]], words: {key: [i]}, suffixes}. */
export class Words {
  constructor(m = {}) {
    this.meanings = m.meanings || [];
    this.words = m.words || {};
    this.suffixes = m.suffixes || [];
    this.collapsed = {};
    for (const [k, ids] of Object.entries(this.words)) {
      const c = collapse(k);
      this.collapsed[c] = [...new Set([...(this.collapsed[c] || []), ...ids])].sort((a, b) => a - b);
    }
  }

  plain(word) {
    if (Object.hasOwn(this.words, word)) return this.words[word];
    for (const s of this.suffixes) {
      const stem = word.endsWith(s) ? word.slice(0, -s.length) : '';
      if (stem && Object.hasOwn(this.words, stem)) return this.words[stem];
    }
    return null;
  }

  /** Indexes into `meanings` of what a (normalised) query run means, or null. */
  lookup(run) {
    const found = this.plain(run);
    if (found) return found;
    const kana = toKana(run);
    if (!kana) return null;
    return this.plain(kana) || (Object.hasOwn(this.collapsed, collapse(kana)) ? this.collapsed[collapse(kana)] : null);
  }
}
