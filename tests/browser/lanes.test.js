// The HTML report's lanes, drawn from real checks: Redis keys and row locks as bars on their
// stores' lanes, ticks that say which keys they expired, done and crashed processes with the
// locals they last had, and five Redlock nodes that fit a 1400-pixel window.
//
//   node tests/browser/lanes.test.js --lockcheck build/<dir>/lockcheck --out
//   build/<dir>/browser_lanes_test [--screenshots DIR]
//
// Needs what report.test.js needs (Debian's chromium, npm ci --prefix tests/browser) and the
// lockcheck binary. A missing piece fails the test; it is never skipped.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {spawnSync} = require('node:child_process');
const {pathToFileURL} = require('node:url');

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

function die(message) {
  console.error('browser_lanes_test: ' + message);
  process.exit(1);
}

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
];
const lockcheck = option('--lockcheck');
const outDir = path.resolve(option('--out') || path.join(__dirname, 'out-lanes'));
const shotDir = option('--screenshots');

let chromium;
try {
  ({chromium} = require('playwright-core'));
} catch (e) {
  die('playwright-core is missing: run `npm ci --prefix tests/browser` from the repository root');
}
if (!fs.existsSync(CHROMIUM)) die('Chromium not found at ' + CHROMIUM);
if (!lockcheck || !fs.existsSync(lockcheck)) {
  die('the lockcheck binary is missing (' + lockcheck + '): pass --lockcheck <path>');
}

// Redlock over five nodes; node[5] restarts and forgets worker[1]'s key, so worker[2] gets a
// majority too (specs/locks/redlock_restart.lcs with five nodes).
const REDLOCK5 = `redis node[5];
clock max 4;
fault restart node at most 1;
process worker[1..2] {
  var i = 1;
  var votes = 0;
  var ok = false;
  var start = 0;
  var held = false;
  var until = 0;
  while i <= 5 {
    ok = node[i]: SET lock $self NX PX 2;
    if i == 1 {
      start = now();
    }
    if ok {
      votes = votes + 1;
    }
    i = i + 1;
  }
  if votes >= 3 {
    held = true;
    until = start + 2;
  }
}
invariant mutual_exclusion: (count w in worker: w.held and now() < w.until) <= 1;
reachable someone_locked: some w in worker: w.held;
expect violated mutual_exclusion;
`;

// A lease that runs out while its holder holds a row lock.
const LEASE = `database db {
  table counters (id int primary key, n int);
  insert into counters values (1, 0);
}
redis cache;
clock max 4;
process worker[1..2] {
  var ok = false;
  var holding = false;
  var a = 0;
  ok = cache: SET lock:1 $self NX EX 1;
  if ok {
    BEGIN;
    SELECT n INTO a FROM counters WHERE id = 1 FOR UPDATE;
    holding = true;
    UPDATE counters SET n = $a + 1 WHERE id = 1;
    COMMIT;
    holding = false;
    cache: DEL lock:1;
  }
}
invariant lease_held: all w in worker: w.holding implies cache['lock:1'] == w;
reachable all_done: all w in worker: w.done;
expect violated lease_held;
`;

// A worker that crashes holding a row lock, after it read the row.
const CRASH = `database db {
  table jobs (id int primary key, owner pid);
  insert into jobs values (1, null);
}
ghost reader = null;
fault crash worker at most 1;
process worker[1..2] {
  var o = null;
  var tries = 0;
  BEGIN;
  SELECT owner INTO o FROM jobs WHERE id = 1 FOR UPDATE;
  tries = tries + 1;
  reader = self;
  if o == null {
    UPDATE jobs SET owner = $self WHERE id = 1;
  }
  COMMIT;
}
invariant no_crash_after_a_read: not (some w in worker: w.crashed and w == reader);
reachable owned: (SELECT owner FROM jobs WHERE id = 1) != null;
expect violated no_crash_after_a_read;
`;

// Eleven lanes: five workers, five nodes and the clock. The diagram takes more of the trace's
// width from the step list.
const ELEVEN = `redis node[5];
clock max 1;
process worker[1..5] {
  var ok = false;
  ok = node[3]: SET lock $self NX EX 1;
}
invariant nobody: (count w in worker: w.ok) == 0;
reachable somebody: some w in worker: w.ok;
expect violated nobody;
`;

fs.rmSync(outDir, {recursive: true, force: true});
fs.mkdirSync(outDir, {recursive: true});

// Checks `source` with the real binary and returns its HTML report's path.
function report(name, source) {
  const spec = path.join(outDir, name + '.lcs');
  const html = path.join(outDir, name + '.html');
  fs.writeFileSync(spec, source);
  const run = spawnSync(
      lockcheck, ['check', '--quiet', '--no-lint', spec, '--html', html], {encoding: 'utf8'});
  if (run.status !== 0)
    die(name + ': lockcheck exited ' + run.status + '\n' + run.stdout + run.stderr);
  return html;
}

const redlockFile = report('redlock5', REDLOCK5);
const leaseFile = report('lease', LEASE);
const crashFile = report('crash', CRASH);
const elevenFile = report('eleven', ELEVEN);

let browser;
test.before(async () => {
  browser = await chromium.launch(
      {executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60000});
});
test.after(async () => {
  if (browser) await browser.close();
});

async function openReport(file) {
  const context = await browser.newContext({viewport: {width: 1400, height: 1000}});
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push('console error: ' + m.text());
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    problems.push('request: ' + url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('.trace svg.seq');
  return {page, context, problems};
}

async function shot(page, name) {
  if (!shotDir) return;
  fs.mkdirSync(shotDir, {recursive: true});
  await page.screenshot({path: path.join(shotDir, name)});
}

// The lifetime bars of a report: lane, name, value, first and last step, how they ended.
// In the order of their first step, then of their lanes.
const lifetimes = async (page, kind) =>
    (await page.$$eval(
         '.trace svg.seq .lifetime-' + kind,
         (gs) => gs.map(
             (g) =>
                 [g.dataset.lane, g.dataset.name, g.dataset.value, g.dataset.from, g.dataset.to,
                  g.dataset.end])))
        .sort((a, b) => Number(a[3]) - Number(b[3]) || a[0].localeCompare(b[0]));

test(
    'five Redlock nodes fit a 1400-pixel window, each key a bar in its holder\'s colour',
    async () => {
      const {page, context, problems} = await openReport(redlockFile);
      const lanes =
          await page.$$eval('.trace svg.seq .lane', (ls) => ls.map((l) => l.dataset.lane));
      assert.deepEqual(lanes, [
        'worker[1]', 'worker[2]', 'node[1]', 'node[2]', 'node[3]', 'node[4]', 'node[5]', 'clock'
      ]);
      const fit = await page.evaluate(() => {
        const wrap = document.querySelector('.trace .diagram-wrap');
        const boxes = [...document.querySelectorAll('.trace svg.seq .lane-box')].map(
            (b) => b.getBoundingClientRect().right);
        return {
          wrap: wrap.scrollWidth - wrap.clientWidth,
          page: document.documentElement.scrollWidth - window.innerWidth,
          right: Math.max(...boxes),
          wrapRight: wrap.getBoundingClientRect().right,
        };
      });
      assert.ok(fit.wrap <= 0, 'the diagram scrolls sideways by ' + fit.wrap + ' px');
      assert.ok(fit.page <= 0, 'the page scrolls sideways by ' + fit.page + ' px');
      assert.ok(
          fit.right <= fit.wrapRight, 'a lane ends at ' + fit.right + ' past ' + fit.wrapRight);
      // Every lane names its store or process in full.
      assert.deepEqual(
          await page.$$eval('.trace svg.seq .lane-name', (ts) => ts.map((t) => t.textContent)),
          lanes);
      // One bar per key and holder; node[5] forgets worker[1]'s key in its restart (step 10).
      assert.deepEqual(await lifetimes(page, 'key'), [
        ['node[1]', 'lock', 'worker[1]', '1', '', 'end'],
        ['node[2]', 'lock', 'worker[2]', '3', '', 'end'],
        ['node[3]', 'lock', 'worker[1]', '5', '', 'end'],
        ['node[4]', 'lock', 'worker[2]', '7', '', 'end'],
        ['node[5]', 'lock', 'worker[1]', '9', '10', 'lost'],
        ['node[5]', 'lock', 'worker[2]', '11', '', 'end'],
      ]);
      // A bar takes its holder's colour, the colour of the holder's lane.
      const colors = await page.evaluate(() => {
        const fill = (sel) => getComputedStyle(document.querySelector(sel)).fill;
        const stroke = (sel) => getComputedStyle(document.querySelector(sel)).stroke;
        return {
          key: fill('.lifetime[data-lane="node[5]"][data-from="9"] .bar'),
          lane: stroke('.lane[data-lane="worker[1]"] .lane-box'),
        };
      });
      assert.equal(colors.key, colors.lane);
      // Clicking a bar shows the state after the step that set the key.
      await page.click('.trace svg.seq .lifetime[data-lane="node[3]"] .bar');
      assert.equal(await page.$eval('.trace .state-panel', (p) => p.dataset.step), '5');
      await shot(page, 'redlock5.png');
      assert.deepEqual(problems, []);
      await context.close();
    });

test('a tick that expires a key says so, and row locks are bars on the database lane', async () => {
  const {page, context, problems} = await openReport(leaseFile);
  assert.deepEqual(
      await lifetimes(page, 'key'), [['cache', 'lock:1', 'worker[1]', '1', '3', 'expired']]);
  assert.deepEqual(
      await lifetimes(page, 'lock'),
      [['db', 'counters[id=1]', 'FOR UPDATE by worker[1]', '2', '', 'end']]);
  assert.equal(
      await page.textContent('.trace svg.seq .lc-arrow[data-step="3"] .result'),
      'lock:1 of worker[1] expired');
  assert.equal(
      await page.textContent('.trace .steps li.step[data-step="3"] .expired'),
      'lock:1 of worker[1] expired');
  assert.match(
      await page.textContent('.trace .state-panel .state-step'),
      /tick → now = 1 · lock:1 of worker\[1\] expired/);
  // Changes list the stores first, the built-ins last, in the list and the state view.
  assert.match(
      await page.textContent('.trace .steps li.step[data-step="2"] .chg'),
      /^counters\[id=1\]\.lock ∅→FOR UPDATE by worker\[1\], worker\[1\]\.holding false→true, .*row_count 0→1$/);
  await shot(page, 'lease.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a crashed process shows the locals it last had, and its row lock ends with it', async () => {
  const {page, context, problems} = await openReport(crashFile);
  assert.deepEqual(
      await lifetimes(page, 'lock'),
      [['db', 'jobs[id=1]', 'FOR UPDATE by worker[1]', '1', '2', 'released']]);
  // The last step: worker[1] crashed; its locals are not kept, so the report shows them as
  // they were after step 1, marked as such.
  const row = '.trace .state-panel tr[data-key="proc:worker[1]"]';
  assert.match(await page.textContent(row + ' .status'), /crashed/);
  assert.equal(await page.textContent(row + ' .last-note'), 'after step 1:');
  assert.deepEqual(
      await page.$$eval(row + ' .chip.last', (cs) => cs.map((c) => c.textContent)),
      ['o = null', 'tries = 1', 'found = true', 'row_count = 1', 'sql_error = \'\'']);
  // They are not changes of the step.
  assert.equal(await page.locator(row + ' .chip.last.changed').count(), 0);
  await shot(page, 'crash.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('eleven lanes still fit, the diagram taking more of the width', async () => {
  const {page, context, problems} = await openReport(elevenFile);
  assert.equal(await page.locator('.trace svg.seq .lane').count(), 11);
  const fit = await page.evaluate(() => {
    const wrap = document.querySelector('.trace .diagram-wrap');
    return {
      wide: wrap.classList.contains('diagram-wide'),
      scroll: wrap.scrollWidth - wrap.clientWidth,
      page: document.documentElement.scrollWidth - window.innerWidth,
      names: [...document.querySelectorAll('.trace svg.seq .lane-name')].map((t) => t.textContent),
    };
  });
  assert.equal(fit.wide, true);
  assert.ok(fit.scroll <= 0, 'the diagram scrolls sideways by ' + fit.scroll + ' px');
  assert.ok(fit.page <= 0, 'the page scrolls sideways by ' + fit.page + ' px');
  assert.deepEqual(fit.names, [
    'worker[1]', 'worker[2]', 'worker[3]', 'worker[4]', 'worker[5]', 'node[1]', 'node[2]',
    'node[3]', 'node[4]', 'node[5]', 'clock'
  ]);
  await shot(page, 'eleven.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('five lanes keep the usual share of the width', async () => {
  const {page, context, problems} = await openReport(leaseFile);
  assert.equal(await page.locator('.trace .diagram-wrap.diagram-wide').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
