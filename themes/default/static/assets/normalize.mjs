// renkei search normalisation (the browser half). The Rust half is src/search/normalize.rs;
// both must give identical output, which tests/search/cases.tsv checks from both sides.
//
// Steps: NFKC; 異体字 folded to the common form (itaiji.mjs, below); katakana folded to hiragana; small kana to full size; a hyphen after kana read as ー;
// ASCII lower case; hyphens and spaces dropped inside digit runs (099-123-4567 → 0991234567);
// other whitespace collapsed. 濁点 are kept: が is not か.

// Pairs of (variant, common form), two characters each, written by every build from
// src/search/itaiji.tsv (the table the Rust half reads).
import { ITAIJI } from './itaiji.mjs';

const FOLD = new Map();
{
  const chars = Array.from(ITAIJI);
  for (let i = 0; i + 1 < chars.length; i += 2) FOLD.set(chars[i], chars[i + 1]);
}
const SMALL = { 'ぁ': 'あ', 'ぃ': 'い', 'ぅ': 'う', 'ぇ': 'え', 'ぉ': 'お', 'っ': 'つ', 'ゃ': 'や', 'ゅ': 'ゆ', 'ょ': 'よ', 'ゎ': 'わ', 'ゕ': 'か', 'ゖ': 'け' };
const HYPHENS = new Set(['-', '‐', '‑', '‒', '–', '—', '―', '−', 'ー']);

function isKana(c) {
  return c >= 'ぁ' && c <= 'ゖ' || c === 'ー';
}
function isDigit(c) {
  return c >= '0' && c <= '9';
}

/** Normalises text for matching; identical to renkei::search::normalize in Rust. */
export function normalize(text) {
  const out = [];
  for (let c of Array.from(text.normalize('NFKC'))) {
    c = FOLD.get(c) || c;
    const code = c.codePointAt(0);
    if (code >= 0x30a1 && code <= 0x30f6) c = String.fromCodePoint(code - 0x60);
    else if (c === 'ヽ' || c === 'ヾ') c = c === 'ヽ' ? 'ゝ' : 'ゞ';
    c = SMALL[c] || c;
    if (HYPHENS.has(c) && out.length && isKana(out[out.length - 1])) c = 'ー';
    else if (c >= 'A' && c <= 'Z') c = c.toLowerCase();
    else if (/\s/.test(c)) c = ' ';
    out.push(c);
  }
  // Drop hyphens and spaces between digits, then collapse spaces.
  const joined = [];
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if ((c === ' ' || HYPHENS.has(c) && c !== 'ー') && joined.length && isDigit(joined[joined.length - 1])) {
      let j = i;
      while (j < out.length && (out[j] === ' ' || HYPHENS.has(out[j]) && out[j] !== 'ー')) j++;
      if (j < out.length && isDigit(out[j])) { i = j - 1; continue; }
    }
    if (c === ' ' && (joined.length === 0 || joined[joined.length - 1] === ' ')) continue;
    joined.push(c);
  }
  while (joined.length && joined[joined.length - 1] === ' ') joined.pop();
  return joined.join('');
}

/** Characters that end a searchable run; the same ranges as is_separator in Rust. */
export function isSeparator(c) {
  const n = c.codePointAt(0);
  if (n < 0x80) return !/[0-9a-zA-Z]/.test(c);
  return n >= 0x80 && n <= 0xbf || n === 0xd7 || n === 0xf7 || n >= 0x2000 && n <= 0x206f ||
    n >= 0x3000 && n <= 0x3004 || n >= 0x3008 && n <= 0x3020 || n === 0x30fb;
}

/** The runs a query matches by: normalised, split at spaces and separators (query_runs). */
export function queryRuns(query) {
  const runs = [];
  let run = '';
  for (const c of normalize(query)) {
    if (c === ' ' || isSeparator(c)) {
      if (run) runs.push(run);
      run = '';
    } else run += c;
  }
  if (run) runs.push(run);
  return runs;
}
