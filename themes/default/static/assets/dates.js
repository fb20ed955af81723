// Between two builds, states that depend on the date are corrected by the visitor's clock:
// a seminar's 受付中 becomes 受付終了 after its deadline and 開催済み after its day, and past
// notices and events leave the "upcoming" lists. The rules are the build's own (seminar.rs,
// closures.rs), on Japan's calendar date, so the page shows what a build today would show.
// Without this script the page says which day its states were computed on (data-as-of).
(() => {
  const now = new Date(Date.now() + 9 * 36e5);
  const today = now.toISOString().slice(0, 10);
  const asOf = document.querySelector('[data-as-of]');
  // A clock behind the build (or no dated state on the page): keep what the build said.
  if (!asOf || today <= asOf.getAttribute('datetime')) return;

  const labels = { finished: '開催済み', not_yet_open: '受付前', open: '受付中', closed: '受付終了' };
  const all = (sel, root = document) => root.querySelectorAll(sel);

  for (const s of all('[data-seminar]')) {
    const d = s.dataset;
    const st = today > d.end ? 'finished'
      : d.opens && today < d.opens ? 'not_yet_open'
      : d.deadline && today > d.deadline ? 'closed' : 'open';
    for (const el of all('.status', s)) {
      el.className = 'status status--' + st;
      el.textContent = labels[st];
    }
    for (const el of all('[data-while]', s)) {
      const w = el.dataset.while;
      el.hidden = !(w === st || (w === 'applying' && (st === 'open' || st === 'not_yet_open'))
        || (w === 'unsettled' && st !== 'finished'));
    }
  }

  // Lists keep what the next builds would add, hidden (data-from): show what a build today
  // would list, in order, up to its length (data-limit).
  for (const list of all('[data-upcoming]')) {
    const limit = +list.dataset.limit || 1e9;
    let left = 0;
    for (const el of all('[data-until]', list)) {
      const d = el.dataset;
      el.hidden = !(today <= d.until && !(d.from && today < d.from) && left < limit);
      if (!el.hidden) left++;
    }
    list.hidden = !left;
    for (const el of all('[data-when-empty]', list.parentNode)) el.hidden = left > 0;
  }
  for (const s of all('[data-upcoming-section]')) {
    s.hidden = !s.querySelector('[data-upcoming]:not([hidden])');
  }

  const week = '日月火水木金土';
  const label = `${now.getUTCFullYear()}年${now.getUTCMonth() + 1}月${now.getUTCDate()}日(${week[now.getUTCDay()]})`;
  for (const el of all('[data-as-of]')) {
    el.setAttribute('datetime', today);
    el.textContent = label;
  }
})();
