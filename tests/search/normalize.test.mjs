// Runs tests/search/cases.tsv through the browser module (node --test tests/search/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { normalize, queryRuns } from '../../themes/default/static/assets/normalize.mjs';

const here = new URL('.', import.meta.url);
const cases = fs.readFileSync(new URL('cases.tsv', here), 'utf8')
  .split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t'));

test('shared normalisation cases', () => {
  assert.ok(cases.length >= 30);
  for (const [input, expected] of cases) assert.equal(normalize(input), expected, JSON.stringify(input));
});

test('the browser table is the Rust table', () => {
  const tsv = fs.readFileSync(new URL('../../src/search/itaiji.tsv', here), 'utf8').trim().split('\n');
  const js = fs.readFileSync(new URL('../../themes/default/static/assets/normalize.mjs', here), 'utf8');
  const table = js.match(/const ITAIJI = "([^"]*)";/)[1];
  assert.equal(table, tsv.map((l) => l.replace('\t', '')).join(''));
});

test('shared query runs', () => {
  const runs = fs.readFileSync(new URL('runs.tsv', here), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  assert.ok(runs.length >= 10);
  for (const [input, expected] of runs) assert.equal(queryRuns(input).join('|'), expected, JSON.stringify(input));
});
