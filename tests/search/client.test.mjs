// Unit tests of the search client (node --test tests/search/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { assets } from './assets.mjs';

const { fnv1a, runGrams, highlight, Index } = await import(new URL('search.mjs', assets));

test('FNV-1a matches the published vectors (and src/search/index.rs)', () => {
  assert.equal(fnv1a(''), 0x811c9dc5);
  assert.equal(fnv1a('a'), 0xe40c292c);
  assert.equal(fnv1a('foobar'), 0xbf9cf968);
});

test('runs are looked up by trigrams, bigrams or a single kanji', () => {
  assert.deepEqual(runGrams('眼'), ['眼']);
  assert.deepEqual(runGrams('さ'), []);
  assert.deepEqual(runGrams('内科'), ['内科']);
  assert.deepEqual(runGrams('ないか'), ['ないか']);
  assert.deepEqual(runGrams('訪問診療'), ['訪問診', '問診療']);
  const long = runGrams('るみえーるのうしんけいげかくりにつく');
  assert.equal(long.length, 6);
  assert.equal(long[0], 'るみえ');
  assert.equal(long[5], 'につく');
  // Common trigrams are skipped while rarer ones remain.
  const common = new Set(['るみえ', 'みえー', 'えーる', 'ーるの', 'るのう']);
  assert.deepEqual(runGrams('るみえーるのうしんけいげかくりにつく', common),
    ['のうし', 'しんけ', 'けいげ', 'げかく', 'くりに', 'につく']);
  assert.deepEqual(runGrams('さくらくりにつく', new Set(['くりに', 'りにつ', 'につく'])), ['さくら', 'くらく', 'らくり', 'くりに', 'りにつ', 'につく']);
  assert.deepEqual(runGrams('くりにつく', new Set(['くりに', 'りにつ', 'につく'])), ['くりに', 'りにつ', 'につく']);
});

test('highlight marks matches as normalised, in the original text', () => {
  assert.deepEqual(highlight('髙橋医院', ['高橋']), [['髙橋', true], ['医院', false]]);
  assert.deepEqual(highlight('TEL 099-241-3300', ['0992413300']), [['TEL ', false], ['099-241-3300', true]]);
  assert.deepEqual(highlight('ｸﾘﾆｯｸ', ['くりにつく']), [['ｸﾘﾆｯｸ', true]]);
  assert.deepEqual(highlight('内科', ['眼科']), [['内科', false]]);
});

test('a query matches only records with every run; filters narrow', async () => {
  // A hand-made inline index: record 0 is さくら内科, record 1 has 内科 (weighing more) only.
  const manifest = {
    docs: 2, shards: 0, chunk: 8,
    facets: { area: ['北', '南'], kind: [], dept: [], service: [] },
    postings: {
      さくら: [90, 1, 0], くら内: [90, 1, 0], ら内科: [90, 1, 0], 内科: [45, 1, 1, 22, 1, 0], '=さくら内科': [255, 1, 0],
    },
    facetDocs: { area: [[0], [1]], kind: [], dept: [], service: [] },
    rows: [['partners/a/', 'さくら内科', '診療所', '北', '', ''], ['partners/b/', 'あおば内科', '診療所', '南', '', '']],
  };
  const index = new Index('x/', async () => manifest);
  assert.deepEqual((await index.search('内科')).ids, [1, 0]);
  assert.deepEqual((await index.search('さくら 内科')).ids, [0]);
  assert.deepEqual((await index.search('さくら内科')).ids, [0]);
  assert.deepEqual((await index.search('みどり')).ids, []);
  assert.deepEqual((await index.search('内科', { area: '南' })).ids, [1]);
  assert.deepEqual((await index.search('', { area: '北' })).ids, [0]);
  assert.equal((await index.search('')).ids, null);
  assert.equal((await index.rows([1]))[0].title, 'あおば内科');
});

test('the client stays under 20 KB minified', async (t) => {
  // Minified by esbuild (tests/browser's dev dependency) as a site would serve it, UTF-8 kept.
  let esbuild;
  try {
    esbuild = createRequire(new URL('../browser/package.json', import.meta.url))('esbuild');
  } catch {
    assert.ok(!process.env.CI, 'CI must provide esbuild (npm ci --prefix tests/browser)');
    t.skip('install esbuild: npm ci --prefix tests/browser');
    return;
  }
  const files = ['search.mjs', 'normalize.mjs', 'words.mjs', 'itaiji.mjs'];
  const bytes = files.map((f) => Buffer.byteLength(esbuild.transformSync(fs.readFileSync(new URL(f, assets), 'utf8'),
    { minify: true, charset: 'utf8', format: 'esm' }).code)).reduce((a, b) => a + b, 0);
  console.log(`client: ${bytes} bytes minified`);
  assert.ok(bytes <= 20 * 1024, `${bytes} bytes`);
});
