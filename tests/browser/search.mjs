// The search page in headless Chromium, on a built site (see tests/browser.rs):
//
//   node tests/browser/search.mjs SITE_DIR
//
// SITE_DIR is a build made with --base-url http://127.0.0.1:<any port>/ and served here at the
// root. Checks: a shared URL shows its results; typing updates them and the address; the back
// button restores the previous search; filters fold away and narrow; nothing found offers help;
// everyday words, romaji and slips; the first result on a phone's first screen; the header box
// leads to the page; keyboard alone reaches a result. Prints "search: ok" or the failures, exit code 1 on failure.
import path from 'node:path';
import { serveSite, launch } from './harness.mjs';

const siteDir = path.resolve(process.argv[2]);
const server = await serveSite(siteDir);
const { base } = server;

const context = await launch();
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); };
const status = (page) => page.locator('[data-search-status]').textContent();
const titles = (page) => page.locator('.result__title').allTextContents();
const settle = (page, text) => page.waitForFunction((t) => document.querySelector('[data-search-status]').textContent.includes(t), text, { timeout: 10000 });

try {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // A shared URL: 「あさひまち」 by reading finds 朝日町クリニック and 朝日町歯科.
  await page.goto(`${base}/search/?q=${encodeURIComponent('あさひまち')}`);
  await settle(page, '件');
  let t = await titles(page);
  check(t.includes('朝日町クリニック') && t.includes('朝日町歯科'), `URL query finds by reading: ${t.slice(0, 3)}`);
  check(/「あさひまち」の検索結果: \d+件/.test(await status(page)), `result count announced: ${await status(page)}`);
  check(await page.inputValue('#search-q') === 'あさひまち', 'the box shows the query from the URL');
  check(await page.locator('[data-search-status]').getAttribute('aria-live') === 'polite', 'results are announced (aria-live)');

  // Typing: a phone number without hyphens finds its clinic; the address follows.
  await page.fill('#search-q', '');
  await page.locator('#search-q').pressSequentially('0992413300', { delay: 20 });
  await settle(page, '「0992413300」');
  t = await titles(page);
  check(t[0] === '朝日町クリニック', `typed phone number finds the clinic first: ${t.slice(0, 2)}`);
  check(decodeURIComponent(page.url()).includes('q=0992413300'), `address updated: ${page.url()}`);
  check(await page.locator('.result mark').count() > 0, 'matches highlighted');

  // Enter on a new query pushes history; Back restores the previous one.
  await page.fill('#search-q', '眼科');
  await page.press('#search-q', 'Enter');
  await settle(page, '「眼科」');
  const eye = await titles(page);
  check(eye.some((x) => x.includes('眼科')), `Enter searches: ${eye.slice(0, 2)}`);
  check(await page.locator('.result mark').first().textContent() === '眼科', 'the match is highlighted');
  await page.goBack();
  await settle(page, '「0992413300」');
  check(await page.inputValue('#search-q') === '0992413300', 'Back restores the previous search');

  // Filters narrow and are part of the URL.
  await page.goto(`${base}/search/?q=${encodeURIComponent('ないか')}`);
  await settle(page, '件');
  const all = Number((await status(page)).match(/(\d+)件/)[1]);
  const before = await status(page);
  // With results on screen the filters are folded behind their button.
  check(await page.locator('#search-filters').isHidden(), 'filters fold away once there are results');
  await page.click('[data-search-toggle]');
  check(await page.getAttribute('[data-search-toggle]', 'aria-expanded') === 'true', 'the button opens the filters');
  await page.selectOption('#search-area', '中央地区');
  await page.waitForFunction((t) => document.querySelector('[data-search-status]').textContent !== t, before);
  const narrowed = Number((await status(page)).match(/(\d+)件/)[1]);
  check(narrowed > 0 && narrowed < all, `area filter narrows ${all} → ${narrowed}`);
  check(decodeURIComponent(page.url()).includes('area=中央地区'), 'filter is in the URL');

  // Nothing found says so, and offers the lists and the office's phone: never a dead end.
  await page.goto(`${base}/search/?q=${encodeURIComponent('存在しない病院名ですよ')}`);
  await settle(page, '見つかりませんでした');
  check(await page.locator('.result').count() === 0, 'no results for nonsense');
  check(await page.locator('[data-search-help]').isVisible(), 'help shown when nothing is found');
  check(await page.locator('[data-search-help] a[href^="tel:"]').count() === 1, 'help gives the office phone');
  check(await page.locator('[data-search-help-links] a').count() >= 4, 'help links the directory lists');

  // Everyday words: 耳鼻科 means 耳鼻いんこう科, 特養 means 介護老人福祉施設.
  await page.goto(`${base}/search/?q=${encodeURIComponent('耳鼻科')}`);
  await settle(page, '件');
  t = await titles(page);
  check(t.slice(0, 2).every((x) => x.includes('耳鼻いんこう科')), `耳鼻科 lists the 耳鼻いんこう科 clinics first: ${t.slice(0, 3)}`);
  check((await page.locator('[data-search-note]').textContent()).includes('耳鼻いんこう科'), 'the page says how the word was read');
  await page.goto(`${base}/search/?q=${encodeURIComponent('特養')}`);
  await settle(page, '件');
  t = await titles(page);
  check(t[0] === '特別養護老人ホーム汐見の里', `特養 lists the 介護老人福祉施設 first: ${t.slice(0, 2)}`);
  await page.goto(`${base}/search/?q=${encodeURIComponent('ケアマネ')}`);
  await settle(page, '件');
  const care = await page.locator('.result').first().locator('.chip').allTextContents();
  check(care.includes('居宅介護支援'), `ケアマネ lists a 居宅介護支援事業所 first: ${care}`);

  // Romaji with the IME off, and a slip of the finger.
  await page.goto(`${base}/search/?q=asahimachi`);
  await settle(page, '件');
  check((await titles(page)).includes('朝日町クリニック'), `asahimachi finds 朝日町クリニック: ${(await titles(page)).slice(0, 3)}`);
  check((await page.locator('[data-search-note]').textContent()).includes('あさひまち'), 'romaji is shown as read');
  await page.goto(`${base}/search/?q=${encodeURIComponent('朝日町クリニク')}`);
  await settle(page, '似た名前');
  const suggest = page.locator('.search-results__suggest a');
  check(await suggest.textContent() === '朝日町クリニック', `もしかして: ${await page.locator('[data-search-note]').textContent()}`);
  check((await titles(page))[0] === '朝日町クリニック', 'the near name is listed');
  await suggest.click();
  await settle(page, '「朝日町クリニック」の検索結果');
  check((await titles(page))[0] === '朝日町クリニック', 'the もしかして link searches the right name');

  // On a phone the first result's name is on the first screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/search/?q=${encodeURIComponent('内科')}`);
  await settle(page, '件');
  const box = await page.locator('.result__title').first().boundingBox();
  const scrolled = await page.evaluate(() => window.scrollY);
  check(box && scrolled === 0 && box.y + box.height <= 844, `at 390×844 the first result is visible: ${JSON.stringify(box)}`);
  await page.setViewportSize({ width: 1280, height: 900 });

  // The header box on the home page leads here; keyboard alone reaches a result.
  await page.goto(`${base}/`);
  await page.fill('#site-search-q', 'ｸﾘﾆｯｸ');
  await page.press('#site-search-q', 'Enter');
  await page.waitForURL(/\/search\/\?q=/);
  await settle(page, '件');
  check((await titles(page)).some((x) => x.includes('クリニック')), 'header box → search page, half-width kana folded');
  await page.focus('#search-q');
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.classList.contains('result__title'));
  }
  check(reached, 'Tab reaches the first result');
  check(errors.length === 0, `no script errors ${errors.join('; ')}`);
} catch (e) {
  failures.push(e.message);
  console.log(`FAIL ${e.message}`);
} finally {
  await context.close();
  server.close();
}
console.log(failures.length ? `search: ${failures.length} failure(s)` : 'search: ok');
process.exit(failures.length ? 1 : 0);
