// 「連絡先をスマートフォンに保存」 in a real browser: the link (a data: URL with `download`) saves a
// file named after the record, and the file is the record's vCard.
//
//   node tests/browser/vcard.mjs SITE_DIR PAGE NAME [PAGE NAME …]
//
// SITE_DIR is a build made with --base-url http://127.0.0.1:<any port>/; each PAGE (/partners/x/)
// is checked to save "NAME.vcf" holding `FN:NAME`. Prints "vcard: ok" when all pass.

import fs from 'node:fs';
import path from 'node:path';
import { serveSite, launch } from './harness.mjs';

const [siteArg, ...rest] = process.argv.slice(2);
if (!siteArg || rest.length === 0 || rest.length % 2) {
  console.error('usage: vcard.mjs SITE_DIR PAGE NAME [PAGE NAME …]');
  process.exit(2);
}
const server = await serveSite(path.resolve(siteArg));
const context = await launch();
let failures = 0;
try {
  const page = await context.newPage();
  for (let i = 0; i < rest.length; i += 2) {
    const [p, name] = [rest[i], rest[i + 1]];
    await page.goto(server.base + p, { waitUntil: 'load' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /連絡先をスマートフォンに保存/ }).click(),
    ]);
    const file = await download.path();
    const text = file ? fs.readFileSync(file, 'utf8') : '';
    const problems = [];
    if (download.suggestedFilename() !== `${name}.vcf`) problems.push(`saved as ${download.suggestedFilename()}`);
    if (!text.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\n')) problems.push('not a vCard 4.0');
    if (!text.replace(/\r\n /g, '').includes(`FN:${name}\r\n`)) problems.push(`no FN:${name}`);
    if (!text.includes('TEL;VALUE=uri;TYPE="work,voice":tel:+81-')) problems.push('no telephone');
    if (problems.length) {
      failures++;
      console.log(`FAIL ${p}: ${problems.join(', ')}\n${text}`);
    } else {
      console.log(`ok   ${p}: ${download.suggestedFilename()} (${text.length} characters)`);
    }
  }
} finally {
  await context.close();
  server.close();
}
console.log(failures === 0 ? 'vcard: ok' : `vcard: ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
