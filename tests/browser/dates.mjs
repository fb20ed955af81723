// Pages correct their date-dependent states by the visitor's clock (assets/dates.js), in headless
// Chromium with playwright's clock (see tests/browser.rs):
//
//   node tests/browser/dates.mjs BUILT_ON_D BUILT_ON_LATER LATER_DATE
//
// Both folders are builds of the same site with --base-url http://127.0.0.1:<any port>/, the
// first for day D, the second for a later day. Opened with the clock set to the later day, every
// page of the first must show what the second shows: each seminar's status, which "while
// applying" parts are there, which upcoming items and notice sections are listed, and the day
// the states are "as of" (not the order of a list of every seminar, which stays as built). Prints "dates: ok" or the differences, exit code 1 on a difference.
import path from 'node:path';
import fs from 'node:fs';
import { serveSite, launch } from './harness.mjs';

const [early, late, lateDate] = process.argv.slice(2);
const servers = [await serveSite(path.resolve(early)), await serveSite(path.resolve(late))];

// Every page that shows a date-dependent state: home, outpatient, seminar lists and pages.
const seminarDir = path.join(path.resolve(late), 'seminars');
const seminarPages = fs.readdirSync(seminarDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(seminarDir, e.name, 'index.html')))
  .map((e) => `/seminars/${e.name}/`);
const pages = ['/', '/outpatient/', '/seminars/', ...seminarPages];

/** What a visitor sees of the date-dependent parts of the page. */
function visibleStates() {
  const shown = (el) => el.checkVisibility();
  const text = (el) => el.textContent.replace(/\s+/g, ' ').trim();
  const out = [];
  for (const el of document.querySelectorAll('.status')) {
    if (shown(el)) out.push(`status ${el.className} ${text(el)} @ ${text(el.closest('li, article')?.querySelector('h1, h3') ?? el)}`);
  }
  for (const el of document.querySelectorAll('[data-while]')) if (shown(el)) out.push(`while ${text(el)}`);
  for (const el of document.querySelectorAll('[data-upcoming] > [data-until]')) if (shown(el)) out.push(`item ${text(el)}`);
  for (const el of document.querySelectorAll('[data-upcoming-section]')) if (shown(el)) out.push(`section ${el.getAttribute('aria-labelledby')}`);
  for (const el of document.querySelectorAll('[data-when-empty]')) if (shown(el)) out.push(`empty ${text(el)}`);
  for (const el of document.querySelectorAll('[data-as-of]')) if (shown(el)) out.push(`as-of ${text(el)}`);
  return out;
}

const context = await launch();
// Noon in Japan on the later day, for both sites: the later build then has nothing to correct.
await context.clock.setFixedTime(new Date(`${lateDate}T12:00:00+09:00`));
let failures = 0;
let compared = 0;
try {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const p of pages) {
    const seen = [];
    for (const { base } of servers) {
      await page.goto(base + p);
      seen.push(await page.evaluate(visibleStates));
    }
    // States, not order: a list of every seminar keeps the order it was built in.
    const [corrected, rebuilt] = seen.map((s) => [...s].sort().join('\n'));
    compared += seen[1].length;
    if (corrected !== rebuilt) {
      failures++;
      console.log(`FAIL ${p}\n--- built on D, opened later:\n${corrected}\n--- built later:\n${rebuilt}`);
    }
  }
  if (errors.length) { failures++; console.log(`FAIL script errors: ${errors.join('; ')}`); }
  // The comparison must have had something to compare.
  if (compared < pages.length) { failures++; console.log(`FAIL only ${compared} states on ${pages.length} pages`); }
} finally {
  await context.close();
  for (const s of servers) s.close();
}
console.log(failures ? `dates: ${failures} failures` : `dates: ok (${pages.length} pages, ${compared} states)`);
process.exit(failures ? 1 : 0);
