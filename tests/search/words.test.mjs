// Runs tests/search/words.tsv through the browser module (node --test tests/search/), with the
// vocabulary a build of the minimal fixture (renkei's default lists) writes into its index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { assets } from './assets.mjs';

const { toKana, collapse, slipDistance, Words } = await import(new URL('words.mjs', assets));
const { normalize, queryRuns } = await import(new URL('normalize.mjs', assets));

const cases = fs.readFileSync(new URL('words.tsv', import.meta.url), 'utf8')
  .split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t'));
const of = (kind) => cases.filter((c) => c[0] === kind).map((c) => c.slice(1));

test('shared romaji cases', () => {
  assert.ok(of('romaji').length >= 30);
  for (const [typed, kana] of of('romaji')) assert.equal(toKana(typed) ?? '-', kana, typed);
});

test('shared collapse cases', () => {
  assert.ok(of('collapse').length >= 5);
  for (const [text, short] of of('collapse')) assert.equal(collapse(normalize(text)), short, text);
});

test('shared slip cases', () => {
  assert.ok(of('slip').length >= 5);
  for (const [query, text, n] of of('slip')) assert.equal(String(slipDistance(normalize(query), normalize(text))), n, query);
});

test('shared meaning cases, on the vocabulary a build writes', () => {
  const manifest = JSON.parse(fs.readFileSync(new URL('../search/index.json', assets), 'utf8'));
  const words = new Words(manifest);
  assert.ok(Object.keys(words.words).length >= 300);
  assert.ok(of('meaning').length >= 20);
  for (const [query, values] of of('meaning')) {
    const ids = words.lookup(queryRuns(query)[0] || '') || [];
    const got = ids.map((i) => manifest.meanings[i][1]).sort();
    assert.deepEqual(got, values === '-' ? [] : values.split(' ').sort(), query);
  }
});
