// Opens the HTML reports that html_fixture writes in Debian's headless Chromium (never a
// downloaded browser) and checks that they render and respond as a reader would use them.
//
//   node tests/browser/report.test.js --fixture build/<dir>/html_fixture --out
//   build/<dir>/browser_test
//            [--screenshots DIR]
//
// Needs: `apt-get install -y chromium` (or CHROMIUM=/path/to/chromium) and
// `npm ci --prefix tests/browser`. A missing piece fails the test; it is never skipped.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {execFileSync} = require('node:child_process');
const {pathToFileURL} = require('node:url');

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

function die(message) {
  console.error('browser_test: ' + message);
  process.exit(1);
}

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
];
const fixture = option('--fixture');
const outDir = path.resolve(option('--out') || path.join(__dirname, 'out'));
const shotDir = option('--screenshots');

let chromium;
try {
  ({chromium} = require('playwright-core'));
} catch (e) {
  die('playwright-core is missing: run `npm ci --prefix tests/browser` from the repository root ' +
      '(it installs into tests/browser/node_modules; no browser is downloaded)');
}
if (!fs.existsSync(CHROMIUM)) {
  die('Chromium not found at ' + CHROMIUM + ': install it with `apt-get install -y chromium` ' +
      '(as root), or set CHROMIUM to its path');
}
if (!fixture || !fs.existsSync(fixture)) {
  die('the html_fixture tool is missing (' + fixture + '): build it with ' +
      '`cmake --build <build> --target html_fixture` and pass --fixture <path>');
}

fs.rmSync(outDir, {recursive: true, force: true});
const written = execFileSync(fixture, [outDir], {encoding: 'utf8'}).trim().split('\n');
const reportFile = written.find((f) => f.endsWith('/lease_cache_crash.html'));
const hostileFile = written.find((f) => path.basename(f).startsWith('__script__'));
const deadlockFile = written.find((f) => f.endsWith('/transfer_deadlock.html'));
const noLanesFile = written.find((f) => f.endsWith('/lease_cache_crash_no_lanes.html'));
const indexFile = path.join(outDir, 'index.html');
const HOSTILE = '</script><script>window.__pwned = 1</script><!--';

let browser;

test.before(async () => {
  browser = await chromium.launch(
      {executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60000});
});
test.after(async () => {
  if (browser) await browser.close();
});

// A page that records what a reader would never see but must not happen: script errors, console
// errors, and any request that leaves the file system.
async function openReport(file, options) {
  const context = await browser.newContext(
      Object.assign({viewport: {width: 1400, height: 1000}}, options || {}));
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push('console error: ' + m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:'))
      problems.push('request: ' + r.url());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#verdict');
  return {page, context, problems};
}

async function shot(page, name) {
  if (!shotDir) return;
  fs.mkdirSync(shotDir, {recursive: true});
  await page.screenshot({path: path.join(shotDir, name), fullPage: true});
}

const selectedStep = (page) =>
    page.$eval('.trace .steps li.step.selected', (li) => li.dataset.step);
const panelStep = (page) => page.$eval('.trace .state-panel', (p) => p.dataset.step);
const changedKeys = (page) => page.$$eval(
    '.trace .state-panel .cards .changed[data-key]', (els) => els.map((e) => e.dataset.key));

test(
    'the diagram has a lane per lane and an arrow per step, drawn to the right store', async () => {
      const {page, context, problems} = await openReport(reportFile);
      const data =
          await page.evaluate(() => JSON.parse(document.getElementById('lc-data').textContent));
      const trace = data.properties.find((p) => p.status === 'violated').trace;
      assert.equal(data.lanes.length, 5);
      assert.equal(trace.length, 7);
      assert.equal(await page.locator('.trace svg.seq .lane').count(), data.lanes.length);
      assert.deepEqual(
          await page.$$eval('.trace svg.seq .lane', (ls) => ls.map((l) => l.dataset.lane)),
          data.lanes.map((l) => l.name));
      assert.equal(await page.locator('.trace svg.seq .lc-arrow').count(), trace.length);
      assert.equal(
          await page.locator('.trace .steps li.step').count(), trace.length + 1);  // + initial
      const arrows = await page.$$eval(
          '.trace svg.seq .lc-arrow',
          (gs) => gs.map(
              (g) => [g.dataset.step, g.dataset.from, g.dataset.to, g.getAttribute('class')]));
      const expected = [
        ['1', 'worker[1]', 'cache', 'arrow-arrow'],  // atomic SET NX + GET: the Redis node
        ['2', 'worker[1]', 'db', 'arrow-arrow'],     // UPDATE: the database
        ['3', 'worker[1]', 'worker[1]', 'arrow-fault'],
        ['4', 'clock', 'clock', 'arrow-tick'],
        ['5', 'clock', 'clock', 'arrow-tick'],
        ['6', 'worker[2]', 'cache', 'arrow-arrow'],
        ['7', 'worker[2]', 'db', 'arrow-arrow'],
      ];
      for (const [i, [step, from, to, cls]] of expected.entries()) {
        assert.deepEqual(arrows[i].slice(0, 3), [step, from, to], 'arrow ' + step);
        assert.ok(arrows[i][3].split(' ').includes(cls), 'arrow ' + step + ' is ' + arrows[i][3]);
      }
      assert.equal(await page.locator('.trace svg.seq .fault-cross').count(), 1);
      assert.equal(await page.locator('.trace svg.seq .tick-face').count(), 2);
      // The violated property closes the trace.
      assert.match(await page.textContent('.trace .violation'), /no_lost_update/);
      assert.match(await page.textContent('.trace .violation'), /is false: .* sold = 2/);
      await shot(page, 'report.png');
      assert.deepEqual(problems, []);
      await context.close();
    });

test(
    'clicking a step or an arrow shows the state after it, with the changed cells marked',
    async () => {
      const {page, context, problems} = await openReport(reportFile);
      // The page opens on the last step, the state that breaks the invariant.
      assert.equal(await selectedStep(page), '7');
      assert.equal(await panelStep(page), '7');
      const atEnd = await changedKeys(page);
      assert.ok(atEnd.includes('var:sold'), atEnd.join(' '));

      await page.click('.trace .steps li.step[data-step="2"]');
      assert.equal(await selectedStep(page), '2');
      assert.equal(await panelStep(page), '2');
      assert.match(await page.textContent('.trace .state-panel h3'), /after step 2 of 7/);
      const atTwo = await changedKeys(page);
      assert.ok(
          atTwo.includes('cell:items:0:1'), 'items[id=7].stock is marked: ' + atTwo.join(' '));
      assert.ok(atTwo.includes('proc:worker[1]:local:found'), atTwo.join(' '));
      assert.notDeepEqual(atTwo, atEnd);
      const stock = page.locator('.trace .state-panel [data-key="cell:items:0:1"]');
      assert.equal(
          (await stock.textContent()).replace(/\s+/g, ' ').trim(), '2 1');  // old struck, new
      assert.equal(await stock.locator('del.old').textContent(), '2');

      // The arrow of the second tick: the clock moves and the expired lease is shown as removed.
      await page.click('.trace svg.seq .lc-arrow[data-step="5"]');
      assert.equal(await selectedStep(page), '5');
      assert.deepEqual(await changedKeys(page), ['clock']);
      assert.equal(await page.textContent('.trace .state-panel [data-key="clock"].changed'), '1 2');
      assert.match(await page.textContent('.trace .state-panel .card-redis tr.removed'), /lock:7/);
      assert.equal(
          await page.locator('.trace svg.seq .lc-arrow[data-step="5"].selected').count(), 1);

      // The crash: worker[1]'s status cell.
      await page.click('.trace svg.seq .lc-arrow[data-step="3"] .fault-cross');
      assert.deepEqual(await changedKeys(page), ['proc:worker[1]:status']);
      assert.match(
          await page.textContent('.trace .state-panel [data-key="proc:worker[1]:status"]'),
          /crashed/);
      await shot(page, 'report-step3.png');
      assert.deepEqual(problems, []);
      await context.close();
    });

test('arrow keys move between steps', async () => {
  const {page, context, problems} = await openReport(reportFile);
  await page.click('.trace .steps li.step[data-step="4"]');
  await page.keyboard.press('ArrowUp');
  assert.equal(await selectedStep(page), '3');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await selectedStep(page), '5');
  assert.equal(await panelStep(page), '5');
  await page.keyboard.press('Home');
  assert.equal(await selectedStep(page), '0');
  assert.match(await page.textContent('.trace .state-panel h3'), /Initial state/);
  assert.deepEqual(await changedKeys(page), []);
  await page.keyboard.press('ArrowUp');  // stays on the first step
  assert.equal(await selectedStep(page), '0');
  await page.keyboard.press('End');
  assert.equal(await selectedStep(page), '7');
  assert.deepEqual(problems, []);
  await context.close();
});

test('dark mode and print', async () => {
  const {page, context, problems} = await openReport(reportFile, {colorScheme: 'dark'});
  const luminance = await page.evaluate(() => {
    const [r, g, b] =
        getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
  assert.ok(luminance < 0.2, 'dark background, luminance ' + luminance);
  await shot(page, 'report-dark.png');
  await page.emulateMedia({media: 'print', colorScheme: 'dark'});
  const print = await page.evaluate(
      () => ({
        background: getComputedStyle(document.documentElement).backgroundColor,
        panel: getComputedStyle(document.querySelector('.state-panel')).display,
        states: getComputedStyle(document.querySelector('.print-states')).display,
        stateCount: document.querySelectorAll('.print-states .print-state').length,
      }));
  assert.equal(print.background, 'rgb(255, 255, 255)');
  assert.equal(print.panel, 'none');
  assert.equal(print.states, 'block');
  assert.equal(print.stateCount, 8);  // the initial state and one per step
  const pdf = await page.pdf({format: 'A4'});
  assert.ok(pdf.length > 10000);
  assert.deepEqual(problems, []);
  await context.close();
});

test('strings from the spec stay text', async () => {
  const {page, context, problems} = await openReport(hostileFile);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.textContent('h1'), HOSTILE);
  assert.match(await page.textContent('.notes'), /<img src=x onerror=/);
  assert.equal(await page.locator('.notes img').count(), 0);
  assert.equal(await page.locator('.trace svg.seq .lane').count(), 5);
  assert.equal(await page.locator('.trace svg.seq .lc-arrow').count(), 7);
  assert.match(
      await page.textContent('.trace .steps li.step[data-step="1"] .text'), /GET <\/script>/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a shared variable, transactions, locks and an abort by the database', async () => {
  const {page, context, problems} = await openReport(deadlockFile);
  const arrows = await page.$$eval(
      '.trace svg.seq .lc-arrow',
      (gs) => gs.map(
          (g) => [g.dataset.from, g.dataset.to, g.getAttribute('class').match(/arrow-(\w+)/)[1]]));
  assert.deepEqual(arrows, [
    ['transfer[1]', 'transfer[1]', 'self'],  // attempts = attempts + 1: its own lane
    ['transfer[1]', 'db', 'arrow'], ['transfer[2]', 'db', 'arrow'],
    ['db', 'transfer[2]', 'abort'],  // the deadlock detector picks transfer[2]
  ]);
  // Open transactions are bars on the process lanes: transfer[1] from step 2, transfer[2] at 3.
  assert.equal(await page.locator('.trace svg.seq rect.txn-open').count(), 4);
  assert.equal(await page.locator('.trace svg.seq rect.txn-failed').count(), 1);
  assert.equal(await page.locator('.trace svg.seq line.status-blocked').count(), 2);

  await page.click('.trace .steps li.step[data-step="2"]');
  assert.deepEqual(
      (await changedKeys(page)).sort(),
      ['lock:accounts:0', 'pending:accounts:0', 'proc:transfer[1]:transaction']);
  assert.match(
      await page.textContent('.trace .state-panel [data-key="lock:accounts:0"]'),
      /FOR UPDATE by transfer\[1\]/);
  await page.click('.trace svg.seq .lc-arrow[data-step="4"] .hit');
  const marked = await changedKeys(page);
  assert.ok(marked.includes('proc:transfer[2]:local:sql_error'), marked.join(' '));
  assert.equal(
      await page.locator('.trace .state-panel tr.changed-row[data-key="row:accounts:1"]').count(),
      1);
  assert.match(await page.textContent('.trace .violation'), /the transfer was aborted/);
  assert.equal(await page.textContent('#verdict'), 'NOT AS EXPECTED');
  await shot(page, 'deadlock.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('lanes left out by the producer are derived from the state', async () => {
  const {page, context, problems} = await openReport(noLanesFile);
  assert.deepEqual(
      await page.$$eval('.trace svg.seq .lane', (ls) => ls.map((l) => l.dataset.lane)),
      ['worker[1]', 'worker[2]', 'db', 'cache', 'clock']);
  assert.equal(await page.locator('.trace svg.seq .lc-arrow').count(), 7);
  assert.equal(await page.getAttribute('.trace svg.seq .lc-arrow[data-step="2"]', 'data-to'), 'db');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the index links every report', async () => {
  const {page, context, problems} = await openReport(indexFile);
  const rows = await page.$$eval(
      'table.index tbody tr',
      (trs) => trs.map((tr) => ({
                         href: tr.querySelector('a').getAttribute('href'),
                         cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
                       })));
  assert.equal(rows.length, 5);
  for (const row of rows) {
    assert.ok(fs.existsSync(path.join(outDir, decodeURIComponent(row.href))), row.href);
  }
  assert.match(rows[0].cells[1], /violated: no_lost_update/);
  assert.equal(rows[2].cells[0].startsWith(HOSTILE), true);
  assert.equal(await page.textContent('#verdict'), 'NOT AS EXPECTED');
  await shot(page, 'index.png');
  await page.click('table.index a >> nth=0');
  await page.waitForSelector('.trace svg.seq');
  assert.equal(await page.textContent('h1'), 'lease_cache_crash');
  assert.deepEqual(problems, []);
  await context.close();
});
