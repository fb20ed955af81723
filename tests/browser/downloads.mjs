// The files a page carries, saved in a real browser: 「連絡先をスマートフォンに保存」 (a record's
// vCard) and 「カレンダーに追加」 (a seminar's iCalendar) are data: URLs with `download`; a click
// must save a file named after the record holding the record's card or event.
//
//   node tests/browser/downloads.mjs SITE_DIR PAGE NAME [PAGE NAME …]
//
// SITE_DIR is a build made with --base-url http://127.0.0.1:<any port>/. A PAGE under
// /seminars/ takes NAME as "TITLE@START" (START as iCalendar writes it, 20261204T183000) and
// is checked to save "TITLE.ics" with `SUMMARY:TITLE` and the start in Japan's time; any other
// to save "NAME.vcf" with `FN:NAME`. A cancelled seminar's page (NAME "-") must offer no
// calendar link.
// Prints "downloads: ok" when all pass.

import fs from 'node:fs';
import path from 'node:path';
import { serveSite, launch } from './harness.mjs';

const [siteArg, ...rest] = process.argv.slice(2);
if (!siteArg || rest.length === 0 || rest.length % 2) {
  console.error('usage: downloads.mjs SITE_DIR PAGE NAME [PAGE NAME …]');
  process.exit(2);
}
const server = await serveSite(path.resolve(siteArg));
const context = await launch();
let failures = 0;
try {
  const page = await context.newPage();
  for (let i = 0; i < rest.length; i += 2) {
    const p = rest[i];
    const calendar = p.startsWith('/seminars/');
    const at = rest[i + 1].lastIndexOf('@');
    const [name, start] = calendar && at > 0
      ? [rest[i + 1].slice(0, at), rest[i + 1].slice(at + 1)]
      : [rest[i + 1], ''];
    const link = calendar ? /カレンダーに追加/ : /連絡先をスマートフォンに保存/;
    await page.goto(server.base + p, { waitUntil: 'load' });
    if (name === '-') {
      const links = await page.getByRole('link', { name: link }).count();
      if (links) { failures++; console.log(`FAIL ${p}: ${links} link(s) where none belong`); } else console.log(`ok   ${p}: no link`);
      continue;
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: link }).click(),
    ]);
    const file = await download.path();
    const text = (file ? fs.readFileSync(file, 'utf8') : '').replace(/\r\n /g, '');
    const [ext, begin, line, number] = calendar
      ? ['ics', 'BEGIN:VCALENDAR\r\n', `SUMMARY:${name}\r\n`, `DTSTART;TZID=Asia/Tokyo:${start}\r\n`]
      : ['vcf', 'BEGIN:VCARD\r\nVERSION:4.0\r\n', `FN:${name}\r\n`, 'TEL;VALUE=uri;TYPE="work,voice":tel:+81-'];
    const problems = [];
    if (download.suggestedFilename() !== `${name}.${ext}`) problems.push(`saved as ${download.suggestedFilename()}`);
    if (!text.startsWith(begin)) problems.push(`does not start ${JSON.stringify(begin)}`);
    if (!text.includes(line)) problems.push(`no ${JSON.stringify(line)}`);
    if (!text.includes(number)) problems.push(`no ${JSON.stringify(number)}`);
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
console.log(failures === 0 ? 'downloads: ok' : `downloads: ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
