// The web pages in headless Chromium (run by tests/web/pages.sh, which
// starts the servers): puppeteer-core drives Debian's chromium. Each check
// prints "ok - web/NAME" or "not ok - web/NAME: why"; the shell script
// counts them. Any console error, page error, failed request or HTTP
// error status on a page fails that page's check.
//
// Environment: RW_BASE (serve over the sample store), RW_LIVE (collect
// --http, fed by ExaBGP), RW_EXA_CMD (the file ExaBGP reads commands
// from), RW_TMP (screenshots), RW_CHROMIUM (the browser).
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const BASE = process.env.RW_BASE;
const LIVE = process.env.RW_LIVE || '';
const EXA = process.env.RW_EXA_CMD || '';
const TMP = process.env.RW_TMP;
const EVENT_KEY = '1506848871.0.131279.20485'; // 2017-10-01 09:07:51, AS131279 gains AS20485
let pass = 0, fail = 0;
const ok = (n) => { pass++; console.log('ok - web/' + n); };
const nok = (n, why) => { fail++; console.log('not ok - web/' + n + ': ' + String(why).replace(/\s+/g, ' ').slice(0, 400)); };

// a PNG's size from its IHDR chunk
function pngSize(file) {
  const b = fs.readFileSync(file);
  if (b.length < 33 || b.toString('latin1', 1, 4) !== 'PNG') return null;
  return {w: b.readUInt32BE(16), h: b.readUInt32BE(20), bytes: b.length};
}

// a page whose problems are collected: console errors, page errors,
// failed requests, answers >= 400 (except those expected)
async function open(browser, opts) {
  const page = await browser.newPage();
  await page.setViewport(opts && opts.viewport || {width: 1280, height: 900});
  if (opts && opts.noJs) await page.setJavaScriptEnabled(false);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('requestfailed', (r) => {
    // an EventSource closed with the page is not a failure of the page
    if (!(r.url().includes('/api/v1/stream') && /ABORTED/.test(r.failure().errorText)))
      problems.push('failed: ' + r.url() + ' ' + r.failure().errorText);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !(opts && opts.expect && opts.expect.includes(r.status())))
      problems.push(r.status() + ' ' + r.url());
  });
  page.problems = problems;
  return page;
}

async function shot(page, name, vp) {
  const file = path.join(TMP, name + '.png');
  await page.screenshot({path: file});
  const s = pngSize(file);
  if (s && s.w === vp.width && s.h === vp.height && s.bytes > 1000) ok('screenshot-' + name);
  else nok('screenshot-' + name, JSON.stringify(s) + ' want ' + vp.width + 'x' + vp.height);
}

function clean(page, name) {
  if (page.problems.length) nok(name + '-no-errors', page.problems.join('; '));
  else ok(name + '-no-errors');
}

async function check(name, fn) {
  try {
    const r = await fn();
    if (r === true) ok(name);
    else nok(name, r);
  } catch (e) {
    nok(name, e.message);
  }
}

const windowOf = (page) => page.$eval('#window', (w) => ({from: +w.dataset.from, to: +w.dataset.to, url: location.search}));
const windowChanged = (page, before) => page.waitForFunction(
  (f) => { const w = document.getElementById('window'); return w && +w.dataset.from !== f && w.getAttribute('aria-busy') !== 'true'; },
  {timeout: 10000}, before.from);

async function home(browser) {
  const vp = {width: 1280, height: 900};
  const page = await open(browser, {viewport: vp});
  await page.goto(BASE + '/', {waitUntil: 'networkidle0'});
  await check('home-events', async () => {
    const rows = await page.$$eval('#events tr', (t) => t.map((r) => r.dataset.key));
    return rows.length >= 5 && rows.every((k) => /^\d+\.\d+\.-?\d+\.\d+$/.test(k)) || 'rows ' + JSON.stringify(rows);
  });
  await check('home-collectors', async () => {
    const c = await page.$$eval('#collectors tr td:first-child', (t) => t.map((x) => x.textContent));
    return c.includes('rrc00') && c.includes('route-views2') || JSON.stringify(c);
  });
  await check('home-landmarks-and-labels', async () => page.evaluate(() =>
    !!(document.querySelector('header') && document.querySelector('main#main') && document.querySelector('footer') &&
       document.querySelector('form[role=search]') && document.querySelector('label[for=q]') &&
       document.getElementById('q').labels.length === 1) || document.body.innerText.slice(0, 200)));
  // keyboard: Tab goes skip link, home, search box, button, then the
  // content; the focus is drawn
  await check('home-focus-order', async () => {
    const seen = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => {
        const a = document.activeElement;
        const st = getComputedStyle(a);
        return {d: a.tagName + (a.id ? '#' + a.id : '') + (a.className ? '.' + a.className : ''),
          ring: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2};
      }));
    }
    const d = seen.map((s) => s.d);
    const want = ['A.skip', 'A.brand', 'INPUT#q', 'BUTTON'];
    return want.every((w, i) => d[i] === w) && seen.every((s) => s.ring) && d[4].startsWith('A') || JSON.stringify(seen);
  });
  await shot(page, 'home', vp);
  // search from the box, by name
  await page.focus('#q');
  await page.keyboard.type('ryugyong');
  await Promise.all([page.waitForNavigation({waitUntil: 'networkidle0'}), page.keyboard.press('Enter')]);
  await check('search-by-name', async () => {
    const links = await page.$$eval('#results a', (a) => a.map((x) => x.getAttribute('href')));
    return page.url().includes('/search?q=ryugyong') && links.includes('/as/131279') || page.url() + ' ' + JSON.stringify(links);
  });
  clean(page, 'home');
  await page.close();
}

async function origin(browser) {
  const vp = {width: 1280, height: 900};
  const page = await open(browser, {viewport: vp});
  await page.goto(BASE + '/as/131279?from=2017-10-01T00:00:00Z&to=2017-10-02T00:00:00Z', {waitUntil: 'networkidle0'});
  await check('origin-title-escaped-names', async () => page.evaluate(() => {
    const h = document.getElementById('origin-title').textContent;
    const names = [...document.querySelectorAll('.name')].map((n) => n.textContent);
    // the names file's markup is text, and no script of it is in the page
    return h.startsWith('AS131279 STAR-KP') && names.some((n) => n.startsWith('<script>alert(1)</script> TRANSTELECOM')) &&
      document.scripts.length === 1 && document.scripts[0].getAttribute('src') === '/app.js' || h + ' ' + names.join('|');
  }));
  await check('origin-event-0907', async () => page.evaluate((key) => {
    const tr = document.querySelector('#events tr[data-key="' + key + '"]');
    if (!tr) return 'no row ' + key;
    const c = [...tr.cells].map((x) => x.textContent);
    return c[0] === '2017-10-01 09:07:51 UTC' && c[1] === 'upstream_gained' && c[2].startsWith('AS20485') &&
      tr.querySelector('a').getAttribute('href') === '/event/' + key || JSON.stringify(c);
  }, EVENT_KEY));
  await check('origin-chart-series', async () => page.evaluate(async () => {
    const img = document.getElementById('chart');
    if (!img.complete || img.naturalWidth !== 960) return 'chart not loaded: ' + img.naturalWidth;
    const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml');
    const series = svg.querySelectorAll('path[fill-opacity="0.85"]').length;
    const text = [...svg.querySelectorAll('text')].map((t) => t.textContent).join('|');
    const down = svg.querySelectorAll('rect[fill="#d62728"]').length;
    return series >= 2 && text.includes('AS4837') && text.includes('AS20485') && down >= 1 ||
      'series ' + series + ' outage keys ' + down + ' ' + text.slice(0, 200);
  }));
  await check('origin-intervals', async () => page.evaluate(() => {
    const bars = [...document.querySelectorAll('#timeline rect.iv')];
    const b = bars.find((r) => r.dataset.upstream === '20485' && r.dataset.start === '1506848871');
    const rows = [...document.querySelectorAll('#intervals tbody tr[data-upstream="20485"]')].map((r) => r.cells[1].textContent);
    return bars.length >= 2 && !!b && +b.getAttribute('width') > 0 && rows.includes('2017-10-01 09:07:51 UTC') ||
      bars.length + ' bars; rows ' + JSON.stringify(rows);
  }));
  await check('origin-prefixes', async () => page.evaluate(() => {
    const rows = [...document.querySelectorAll('#prefixes tbody tr')].map((r) => [...r.cells].map((c) => c.textContent));
    return rows.length === 4 && rows.every((r) => /^175\.45\.1/.test(r[0]) && /AS\d+/.test(r[1]) && / of \d+ peers$/.test(r[2])) ||
      JSON.stringify(rows);
  }));
  await check('origin-report', async () => page.$eval('#report', (p) => p.textContent.includes('AS20485') || p.textContent.slice(0, 200)));
  await shot(page, 'origin', vp);

  // zoom in by the link: the window halves, the address follows, the
  // chart, the events and the report are those of the new window
  let w0 = await windowOf(page);
  await Promise.all([windowChanged(page, w0), page.click('#window nav.zoom a:nth-of-type(2)')]);
  let w1 = await windowOf(page);
  await check('zoom-in-link', async () => {
    const src = await page.$eval('#chart', (i) => i.getAttribute('src'));
    return Math.abs((w1.to - w1.from) * 2 - (w0.to - w0.from)) <= 2 && w1.url.includes('from=') &&
      src.includes('from=' + new Date(w1.from * 1000).toISOString().replace('.000Z', 'Z')) || JSON.stringify([w0, w1, src]);
  });
  // drag across the middle of the chart: the window is what was dragged
  const box = await (await page.$('#chart')).boundingBox();
  w0 = w1;
  const x0 = box.x + box.width * 0.4, x1 = box.x + box.width * 0.6, y = box.y + box.height * 0.4;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, y, {steps: 3});
  await page.mouse.move(x1, y, {steps: 3});
  await Promise.all([windowChanged(page, w0), page.mouse.up()]);
  w1 = await windowOf(page);
  await check('zoom-by-drag', async () => w1.from > w0.from && w1.to < w0.to && (w1.to - w1.from) < (w0.to - w0.from) / 3 ||
    JSON.stringify([w0, w1]));
  // keys on the focused chart: '-' doubles the window
  await page.focus('#chart');
  w0 = w1;
  await Promise.all([windowChanged(page, w0), page.keyboard.press('-')]);
  w1 = await windowOf(page);
  await check('zoom-out-by-key', async () => Math.abs((w1.to - w1.from) - 2 * (w0.to - w0.from)) <= 2 &&
    await page.evaluate(() => document.activeElement.id === 'chart') || JSON.stringify([w0, w1]));
  // back: the window before
  await Promise.all([windowChanged(page, w1), page.goBack()]);
  await check('history-back', async () => { const w = await windowOf(page); return w.from === w0.from || JSON.stringify([w0, w]); });
  clean(page, 'origin');
  await page.close();

  // the same page on a phone: nothing wider than the screen
  const pvp = {width: 390, height: 844};
  const phone = await open(browser, {viewport: pvp});
  await phone.goto(BASE + '/as/131279?from=2017-10-01T00:00:00Z&to=2017-10-02T00:00:00Z', {waitUntil: 'networkidle0'});
  await check('phone-fits', async () => phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1 ||
    document.documentElement.scrollWidth + ' > ' + window.innerWidth));
  await shot(phone, 'origin-phone', pvp);
  clean(phone, 'phone');
  await phone.close();

  // without JavaScript: the text is there
  const nojs = await open(browser, {noJs: true});
  await nojs.goto(BASE + '/as/131279?from=2017-10-01T00:00:00Z&to=2017-10-02T00:00:00Z', {waitUntil: 'networkidle0'});
  await check('origin-without-javascript', async () => nojs.evaluate((key) =>
    !!document.querySelector('#events tr[data-key="' + key + '"]') && document.querySelectorAll('#timeline rect').length > 1 &&
    document.getElementById('report').textContent.length > 50 || 'missing', EVENT_KEY));
  clean(nojs, 'nojs');
  await nojs.close();
}

async function event(browser) {
  const vp = {width: 1280, height: 900};
  const page = await open(browser, {viewport: vp});
  await page.goto(BASE + '/event/' + EVENT_KEY, {waitUntil: 'networkidle0'});
  await check('event-page', async () => page.evaluate(() => {
    const j = JSON.parse(document.getElementById('event-json').textContent);
    const line = document.getElementById('event-line').textContent;
    return j.type === 'upstream_gained' && j.origin === 131279 && j.upstream === 20485 && j.time === '2017-10-01T09:07:51Z' &&
      line.includes('gained upstream AS20485 <script>') && document.querySelector('a.win[href^="/as/131279?"]') !== null ||
      line + ' ' + JSON.stringify(j);
  }));
  // docs/events.md §15: the peer and collector that saw it first, the
  // record that proves it (decoded as dump prints it) and its MRT bytes
  await check('event-proof', async () => page.evaluate(async () => {
    const peer = document.getElementById('first-peer'), coll = document.getElementById('first-collector');
    const rec = document.getElementById('proof-record'), a = document.getElementById('proof-mrt');
    const h = document.getElementById('proof-h');
    if (!peer || !coll || !rec || !a || !h) return 'missing: ' + [peer, coll, rec, a, h].map((x) => !!x).join(',');
    const lines = rec.textContent.split('\n');
    const mrt = await fetch(a.getAttribute('href'));
    const bytes = new Uint8Array(await mrt.arrayBuffer());
    // the MRT header's length field is the rest of the record
    const len = (bytes[8] << 24 | bytes[9] << 16 | bytes[10] << 8 | bytes[11]) >>> 0;
    return /^[0-9a-f.:]+$/.test(peer.textContent) && coll.textContent.length > 0 &&
      lines.some((l) => /^BGP4MP\|1506848871\|A\|[^|]*\|[0-9]+\|175\.45\.176\.0\/24\|[0-9 ]* 20485 131279\|/.test(l)) &&
      rec.getAttribute('tabindex') === '0' && document.getElementById('proof').getAttribute('aria-labelledby') === 'proof-h' &&
      mrt.status === 200 && bytes.length === 12 + len ||
      [peer.textContent, coll.textContent, rec.textContent, mrt.status, bytes.length].join(' ');
  }));
  await shot(page, 'event', vp);
  clean(page, 'event');
  await page.close();
  const missing = await open(browser, {expect: [404]});
  const r = await missing.goto(BASE + '/event/1506848871.0.131279.1', {waitUntil: 'networkidle0'});
  await check('event-404', async () => r.status() === 404 && (await missing.$eval('h1', (h) => h.textContent)) === 'No such event' || r.status());
  await missing.close();
}

// a prefix's and a country's pages, reached by links from search and from
// the origin's page; KP's shows AS20485 becoming its provider at 09:07:51
const COUNTRY_KEY = '1506848871.30.19280.20485';
async function prefixAndCountry(browser) {
  const vp = {width: 1280, height: 900};
  const page = await open(browser, {viewport: vp});
  await page.goto(BASE + '/search?q=175.45.176.0%2F24', {waitUntil: 'networkidle0'});
  await Promise.all([page.waitForNavigation({waitUntil: 'networkidle0'}), page.click('#prefix-result a')]);
  await check('prefix-from-search', async () => page.evaluate(() => {
    const h = document.getElementById('prefix-title');
    const rows = [...document.querySelectorAll('#prefix-now tbody tr')].map((r) => [...r.cells].map((c) => c.textContent));
    return h && h.dataset.prefix === '175.45.176.0/24' && location.pathname === '/prefix/175.45.176.0/24' &&
      rows.length >= 1 && rows[0][0] === '175.45.176.0/24' && rows[0][1].startsWith('AS131279') && /AS4837/.test(rows[0][2]) &&
      / of \d+ peers$/.test(rows[0][3]) || JSON.stringify([location.pathname, rows]);
  }));
  await page.goto(BASE + '/prefix/175.45.176.0/22?from=2017-10-01T00:00:00Z&to=2017-10-02T00:00:00Z', {waitUntil: 'networkidle0'});
  await check('prefix-events', async () => page.evaluate((k1, k2) => {
    const r = document.querySelector('#events tr[data-key="' + k1 + '"]');
    const c = r ? [...r.cells].map((x) => x.textContent) : [];
    return c[0] === '2017-10-01 09:07:51 UTC' && c[2].startsWith('AS131279') && c[3].startsWith('AS20485 <script>') &&
      !!document.querySelector('#events tr[data-key="' + k2 + '"] a[href="/country/KP"]') &&
      document.querySelectorAll('#prefix-now tbody tr').length === 4 || JSON.stringify(c);
  }, EVENT_KEY, COUNTRY_KEY));
  await shot(page, 'prefix', vp);
  clean(page, 'prefix');
  await page.close();

  // the origin's page links its country
  const cp = await open(browser, {viewport: vp});
  await cp.goto(BASE + '/as/131279?from=2017-10-01T08:00:00Z&to=2017-10-01T14:00:00Z', {waitUntil: 'networkidle0'});
  await Promise.all([cp.waitForNavigation({waitUntil: 'networkidle0'}), cp.click('#origin-facts a[href="/country/KP"]')]);
  await check('country-from-origin', async () => cp.evaluate(() => {
    const rows = [...document.querySelectorAll('#providers tbody tr')].map((r) => [...r.cells].map((c) => c.textContent));
    const share = rows.reduce((s, r) => s + parseFloat(r[1]), 0);
    return document.getElementById('country-title').dataset.cc === 'KP' && rows.length === 2 &&
      rows.some((r) => r[0].startsWith('AS20485 <script>') && r[4].startsWith('AS131279')) && Math.abs(share - 100) < 0.2 ||
      JSON.stringify(rows);
  }));
  await cp.goto(BASE + '/country/KP?from=2017-10-01T08:00:00Z&to=2017-10-01T14:00:00Z', {waitUntil: 'networkidle0'});
  await check('country-event-0907', async () => cp.evaluate((key) => {
    const r = document.querySelector('#events tr[data-key="' + key + '"]');
    const c = r ? [...r.cells].map((x) => x.textContent) : [];
    return c[0] === '2017-10-01 09:07:51 UTC' && c[1] === 'country_provider_gained' && c[2] === 'country KP' &&
      c[3].startsWith('AS20485') && r.querySelector('a').getAttribute('href') === '/event/' + key || JSON.stringify(c);
  }, COUNTRY_KEY));
  await check('country-chart-and-intervals', async () => cp.evaluate(async () => {
    const img = document.getElementById('chart');
    const svg = await (await fetch(img.getAttribute('src'))).text();
    const bar = document.querySelector('#timeline rect[data-upstream="20485"][data-start="1506848871"]');
    return img.complete && img.naturalWidth > 0 && svg.includes('AS20485') && !!bar &&
      document.getElementById('report').textContent.includes('KP gained a new international provider, AS20485') ||
      [img.naturalWidth, !!bar, svg.length].join(' ');
  }));
  await shot(cp, 'country', vp);
  // the window's links move it without a reload, as on the origin's page
  const w0 = await windowOf(cp);
  await Promise.all([windowChanged(cp, w0), cp.click('#window nav.zoom a:nth-of-type(2)')]);
  const w1 = await windowOf(cp);
  await check('country-zoom-in-link', async () => Math.abs((w1.to - w1.from) * 2 - (w0.to - w0.from)) <= 2 &&
    (await cp.evaluate(() => location.pathname)) === '/country/KP' || JSON.stringify([w0, w1]));
  clean(cp, 'country');
  await cp.close();
}

// the live list: the home page of collect --http gets the event ExaBGP's
// announcement makes, without a reload
async function live(browser) {
  if (!LIVE) return;
  const page = await open(browser);
  await page.goto(LIVE + '/', {waitUntil: 'domcontentloaded'});
  await check('live-stream-open', async () => {
    await page.waitForFunction(() => window.routewatchStream && window.routewatchStream.readyState === 1, {timeout: 10000});
    return page.$eval('#live', (s) => !s.hidden || 'live section hidden');
  });
  const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);
  // ExaBGP reads its command file once its session is up: announce until
  // an event comes, a new prefix each time
  let got = null;
  for (let i = 1; i <= 6 && !got; i++) {
    fs.appendFileSync(EXA, 'announce route 198.51.' + (100 + i) + '.0/24 next-hop 192.0.2.4 as-path [ 65004 64500 65551 ]\n');
    got = await page.waitForSelector('#events tr.new', {timeout: 3000}).catch(() => null);
  }
  await check('live-event-arrives', async () => {
    if (!got) return 'no live row in 18 s';
    const r = await page.$eval('#events tr.new', (tr) => ({key: tr.dataset.key, type: tr.dataset.type,
      text: tr.textContent, href: tr.querySelector('a').getAttribute('href')}));
    const same = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    return /AS65551|AS64500/.test(r.text) && r.href === '/event/' + r.key && same === loads || JSON.stringify(r);
  });
  await shot(page, 'live', {width: 1280, height: 900});
  clean(page, 'live');
  await page.close();

  // the origin's page: its own events only (the stream's origin filter),
  // once the collector's store has the origin (a checkpoint a second)
  const op = await open(browser, {expect: [404]});
  let st = 0;
  for (let i = 0; i < 30 && st !== 200; i++) {
    st = (await op.goto(LIVE + '/as/65551', {waitUntil: 'domcontentloaded'})).status();
    if (st !== 200) await new Promise((r) => setTimeout(r, 300));
  }
  op.problems.length = 0; // the 404s before the checkpoint were expected
  await check('live-origin-page', async () => {
    if (st !== 200) return 'the origin page is ' + st;
    await op.waitForFunction(() => window.routewatchStream && window.routewatchStream.readyState === 1, {timeout: 10000});
    const before = await op.$$eval('#events tr', (t) => t.length);
    let row = null;
    for (let i = 1; i <= 4 && !row; i++) {
      fs.appendFileSync(EXA, 'announce route 203.0.' + (112 + i) + '.0/24 next-hop 192.0.2.4 as-path [ 65004 64500 65551 ]\n');
      fs.appendFileSync(EXA, 'announce route 203.0.' + (120 + i) + '.0/24 next-hop 192.0.2.4 as-path [ 65004 64500 65552 ]\n');
      row = await op.waitForSelector('#events tr.new', {timeout: 3000}).catch(() => null);
    }
    if (!row) return 'no live row in 12 s';
    await new Promise((r) => setTimeout(r, 1500));
    const rows = await op.$$eval('#events tr.new', (t) => t.map((r) => r.textContent));
    // AS65552's events went to the home page's stream, not to this one
    return rows.every((t) => t.includes('203.0.11') && !t.includes('203.0.12')) && before >= 0 || JSON.stringify(rows);
  });
  clean(op, 'live-origin');
  await op.close();
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.RW_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--user-data-dir=' + path.join(TMP, 'chromium')],
  });
  try {
    for (const t of [home, origin, event, prefixAndCountry, live]) {
      try {
        await t(browser);
      } catch (e) {
        nok(t.name, 'stopped: ' + e.message);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(pass + ' passed, ' + fail + ' failed');
  process.exit(fail ? 1 : 0);
})();
