// Runs tests/search/cases.tsv through the browser module (node --test tests/search/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { assets } from './assets.mjs';

const { normalize, queryRuns } = await import(new URL('normalize.mjs', assets));

const here = new URL('.', import.meta.url);
const cases = fs.readFileSync(new URL('cases.tsv', here), 'utf8')
  .split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t'));

test('shared normalisation cases', () => {
  assert.ok(cases.length >= 30);
  for (const [input, expected] of cases) assert.equal(normalize(input), expected, JSON.stringify(input));
});

test('every 異体字 of the table folds in the browser', () => {
  const tsv = fs.readFileSync(new URL('../../src/search/itaiji.tsv', here), 'utf8').trim().split('\n');
  assert.ok(tsv.length > 250);
  for (const [variant, common] of tsv.map((l) => l.split('\t'))) assert.equal(normalize(variant), common, variant);
});

test('shared query runs', () => {
  const runs = fs.readFileSync(new URL('runs.tsv', here), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  assert.ok(runs.length >= 10);
  for (const [input, expected] of runs) assert.equal(queryRuns(input).join('|'), expected, JSON.stringify(input));
});
