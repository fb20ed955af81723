// Parses every .ics file given with Mozilla's ical.js (an independent RFC 5545 parser) and
// prints one JSON line per file: its events' uid, summary, status, start/end as UTC, tzid.
//
//   node tests/browser/ics.mjs FILE.ics [FILE.ics …]
import fs from 'node:fs';
import ICAL from 'ical.js';

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    // Every physical line must be at most 75 octets and end with CRLF.
    const lines = text.split('\r\n');
    if (lines[lines.length - 1] !== '') throw new Error('does not end with CRLF');
    for (const l of lines) {
      if (Buffer.byteLength(l, 'utf8') > 75) throw new Error(`line over 75 octets: ${l}`);
      if (l.includes('\n')) throw new Error('bare LF');
    }
    const cal = new ICAL.Component(ICAL.parse(text));
    const tz = cal.getFirstSubcomponent('vtimezone');
    if (tz) ICAL.TimezoneService.register(tz);
    const events = cal.getAllSubcomponents('vevent').map((c) => {
      const e = new ICAL.Event(c);
      return {
        uid: e.uid,
        summary: e.summary,
        status: c.getFirstPropertyValue('status'),
        url: c.getFirstPropertyValue('url'),
        tzid: c.getFirstProperty('dtstart').getParameter('tzid'),
        start: e.startDate.toJSDate().toISOString(),
        end: e.endDate.toJSDate().toISOString(),
        stamp: c.getFirstPropertyValue('dtstamp').toString(),
        location: e.location,
        description: e.description,
      };
    });
    console.log(JSON.stringify({ file, name: cal.getFirstPropertyValue('x-wr-calname'), events }));
  } catch (err) {
    failed++;
    console.log(JSON.stringify({ file, error: String(err && err.message || err) }));
  }
}
process.exit(failed ? 1 : 0);
