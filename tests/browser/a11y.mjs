// Accessibility check of a built renkei site in headless Chromium with axe-core.
//
//   node tests/browser/a11y.mjs SITE_DIR PAGE [PAGE …] [--screenshots DIR]
//
// SITE_DIR is a build made with --base-url http://127.0.0.1:<any port>/ (served here at the root);
// each PAGE is a path like /partners/ . Checks WCAG 2.0/2.1 A and AA rules plus best practices,
// at a phone width and a desktop width, and exits non-zero on any violation.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { serveSite, launch } from './harness.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const args = process.argv.slice(2);
const shotIndex = args.indexOf('--screenshots');
const shotDir = shotIndex >= 0 ? args.splice(shotIndex, 2)[1] : null;
const [siteArg, ...pages] = args;
const siteDir = siteArg && path.resolve(siteArg);
if (!siteArg || pages.length === 0) {
  console.error('usage: a11y.mjs SITE_DIR PAGE [PAGE …] [--screenshots DIR]');
  process.exit(2);
}

const server = await serveSite(siteDir);
const { base } = server;

const context = await launch();
let failures = 0;
try {
  const page = await context.newPage();
  for (const [label, viewport] of [['phone', { width: 360, height: 800 }], ['desktop', { width: 1280, height: 900 }]]) {
    await page.setViewportSize(viewport);
    for (const p of pages) {
      const response = await page.goto(base + p, { waitUntil: 'load' }).catch((e) => { console.log(`FAIL ${label} ${p}: ${e.message.split('\n')[0]}`); return null; });
      if (!response || response.status() !== 200) {
        console.log(`FAIL ${label} ${p}: HTTP ${response && response.status()}`);
        failures++;
        continue;
      }
      // The search page fills in its results after load; check them too.
      if (await page.$('[data-search-status]')) {
        await page.waitForFunction(() => document.querySelector('[data-search-status]').textContent.trim() !== '');
      }
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        return await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
      });
      // Horizontal overflow at phone width breaks reflow (WCAG 1.4.10).
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) {
        console.log(`FAIL ${label} ${p}: page is ${overflow}px wider than the viewport`);
        failures++;
      }
      for (const v of result.violations) {
        failures++;
        console.log(`FAIL ${label} ${p}: ${v.id} (${v.impact}) ${v.help}`);
        for (const n of v.nodes.slice(0, 3)) console.log(`    ${n.target.join(' ')} :: ${n.failureSummary.replace(/\n/g, ' ')}`);
      }
      if (result.violations.length === 0 && overflow <= 1) console.log(`ok   ${label} ${p}: ${result.passes.length} rules pass`);
      if (shotDir) {
        fs.mkdirSync(shotDir, { recursive: true });
        const name = `${label}${p.replace(/\//g, '_') || '_'}.png`;
        await page.screenshot({ path: path.join(shotDir, name), fullPage: true });
      }
    }
  }
} finally {
  await context.close();
  server.close();
}
console.log(failures === 0 ? 'axe: no violations' : `axe: ${failures} problem(s)`);
process.exit(failures === 0 ? 0 : 1);
