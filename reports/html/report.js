// lockcheck HTML report: draws the page from the JSON in #lc-data. Every piece of data goes into
// the page through textContent or setAttribute, never through innerHTML, so no spec text can
// become markup.
(function() {
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const ROW_H = 48;    // one step: the diagram row and the step list row share this height
const HEAD_H = 58;   // lane headers, and the list's header row beside them
const CHAR_W = 7.3;  // the width of a character of the 12px monospace labels
const MAX_LABEL_ROOM = 420;  // px right of the last lane for labels, at most
const MIN_LABEL_ROOM = 140;  // ... and at least, when the lanes must shrink to fit the window
const LEAST_LABEL_ROOM = 60;  // ... or less, when even the narrowest lanes would not fit
const MIN_LANE_W = 64;       // narrower, a lane's header could not name it
const BAR_W = 12;            // a Redis key's or a row lock's lifetime bar on its store's lane
const PROCESS_COLORS =
    ['#2563eb', '#c026d3', '#0891b2', '#65a30d', '#d97706', '#7c3aed', '#db2777', '#0d9488'];

// ---- DOM helpers ----

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text')
      el.textContent = String(v);
    else if (k.startsWith('on'))
      el.addEventListener(k.slice(2), v);
    else
      el.setAttribute(k, v === true ? '' : String(v));
  }
}
function append(el, kids) {
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.appendChild(typeof kid === 'object' ? kid : document.createTextNode(String(kid)));
  }
  return el;
}
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  return append(el, kids);
}
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  return append(el, kids);
}

function fmtInt(n) {
  return Number(n).toLocaleString('en-US');
}
function fmtSeconds(x) {
  if (x < 0.001) return '< 1 ms';
  if (x < 0.1) return (x * 1000).toFixed(x < 0.01 ? 1 : 0) + ' ms';
  if (x < 10) return x.toFixed(2) + ' s';
  if (x < 120) return x.toFixed(1) + ' s';
  return Math.floor(x / 60) + ' min ' + Math.round(x % 60) + ' s';
}
function fmtBytes(b) {
  if (!b) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    ++i;
  }
  return (i === 0 ? b : b.toFixed(1)) + ' ' + units[i];
}
function truncate(text, max) {
  if (max < 2) return '';
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}
function escapeRegExp(t) {
  return t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
function unquote(v) {
  v = String(v).trim();
  if (v.length >= 2 && (v[0] === '\'' || v[0] === '"') && v[v.length - 1] === v[0]) {
    return v.slice(1, -1);
  }
  return v;
}

// ---- Lanes and what each step touched ----

function laneModel(lanes) {
  const model = {lanes, byName: new Map(), db: -1, clock: -1, redis: [], color: []};
  let p = 0;
  lanes.forEach((lane, i) => {
    model.byName.set(lane.name, i);
    if (lane.kind === 'database' && model.db < 0) model.db = i;
    if (lane.kind === 'clock' && model.clock < 0) model.clock = i;
    if (lane.kind === 'redis') model.redis.push(i);
    model.color.push(
        lane.kind === 'process' ? PROCESS_COLORS[p++ % PROCESS_COLORS.length] :
                                  'var(--lane-' + lane.kind + ')');
  });
  return model;
}

// The lane whose name occurs in `text` as a whole word (the longest such name wins, so that
// "worker[12]" is not taken for "worker[1]").
function laneNamedIn(model, text, kinds) {
  let best = -1;
  model.lanes.forEach((lane, i) => {
    if (kinds && !kinds.includes(lane.kind)) return;
    const re = new RegExp('(^|[^\\w\\]])' + escapeRegExp(lane.name) + '(?![\\w\\[])');
    if (re.test(text) && (best < 0 || lane.name.length > model.lanes[best].name.length)) best = i;
  });
  return best;
}

function baseName(name) {
  const i = name.indexOf('[');
  return i < 0 ? name : name.slice(0, i);
}

// A store named in a `NODE:` prefix: exactly, or by its group ("node[i]" → the node[k] that
// the step's changes touched, else the group's first node).
function storeNamed(model, name, step) {
  const exact = model.byName.get(name);
  if (exact !== undefined && model.lanes[exact].kind !== 'process') return exact;
  const group = model.redis.filter((i) => baseName(model.lanes[i].name) === baseName(name));
  if (group.length === 0) return -1;
  for (const c of step.changes) {
    for (const i of group)
      if (c.path.startsWith(model.lanes[i].name + '[')) return i;
  }
  return group[0];
}

const SQL_START = /^(SELECT|UPDATE|INSERT|DELETE|BEGIN|COMMIT|ROLLBACK|START|WITH|END|ABORT)\b/i;
const SQL_ANY = /\b(SELECT|UPDATE|INSERT\s+INTO|DELETE\s+FROM|COMMIT|ROLLBACK)\b/;

// Which store lane a statement went to, from its text first (the `x = NODE:` prefix, then SQL),
// then from the paths it changed; -1 when it touched only variables.
function storeOf(model, step, tableNames) {
  const text = step.text.trim();
  const prefix = /^(?:[A-Za-z_][\w.[\]]*\s*=\s*)?([A-Za-z_]\w*(?:\[[^\]]*\])?)\s*:(?!:)/.exec(text);
  if (prefix) {
    const lane = storeNamed(model, prefix[1], step);
    if (lane >= 0) return lane;
  }
  const bare = prefix ? text.slice(prefix[0].length).trim() : text;
  if (model.db >= 0 && (SQL_START.test(text) || SQL_START.test(bare))) return model.db;
  let first = -1, firstAt = Infinity;
  for (const i of model.redis) {
    const m = new RegExp('(^|[^\\w\\]])' + escapeRegExp(model.lanes[i].name) + '\\s*:').exec(text);
    if (m && m.index < firstAt) {
      first = i;
      firstAt = m.index;
    }
  }
  const groupCall = /(^|[^\w\]])([A-Za-z_]\w*)\[[^\]]*\]\s*:/.exec(text);
  if (groupCall && groupCall.index < firstAt) {
    const lane = storeNamed(model, groupCall[2] + '[?]', step);
    if (lane >= 0) {
      first = lane;
      firstAt = groupCall.index;
    }
  }
  const sql = model.db >= 0 ? SQL_ANY.exec(text) : null;
  if (sql && sql.index < firstAt) return model.db;
  if (first >= 0) return first;
  for (const c of step.changes) {
    const head = c.path.split(/[.[]/)[0];
    if (model.db >= 0 && tableNames.has(head)) return model.db;
    for (const i of model.redis)
      if (c.path.startsWith(model.lanes[i].name + '[')) return i;
  }
  return -1;
}

// How the diagram draws one step: {type, from, to}, lanes by index (-1: none fits).
function classify(model, step) {
  const tables = new Set((step.after.tables || []).map((t) => t.name));
  const actor = model.byName.has(step.actor) ? model.byName.get(step.actor) : -1;
  switch (step.kind) {
    case 'tick': {
      const lane = model.clock >= 0 ? model.clock : actor;
      return {type: 'tick', from: lane, to: lane};
    }
    case 'fault': {
      let lane = actor >= 0 && model.lanes[actor].kind !== 'clock' ? actor : -1;
      if (lane < 0) lane = laneNamedIn(model, step.text);
      if (lane < 0) lane = laneNamedIn(model, step.actor);
      return {type: 'fault', from: lane, to: lane};
    }
    case 'abort': {
      const from = model.db >= 0 ? model.db : actor;
      let victim = laneNamedIn(model, step.text + ' ' + step.result, ['process']);
      if (victim < 0 && actor >= 0 && model.lanes[actor].kind === 'process') victim = actor;
      if (victim < 0) {
        for (const c of step.changes) {
          const i = laneNamedIn(model, c.path.split('.')[0], ['process']);
          if (i >= 0) {
            victim = i;
            break;
          }
        }
      }
      return {type: victim >= 0 ? 'abort' : 'marker', from, to: victim >= 0 ? victim : from};
    }
    default: {
      const from = actor >= 0 ? actor : laneNamedIn(model, step.actor);
      const to = storeOf(model, step, tables);
      if (to >= 0 && from >= 0 && to !== from) return {type: 'arrow', from, to};
      if (from < 0 && to >= 0) return {type: 'marker', from: to, to};
      return {type: 'self', from, to: from};
    }
  }
}

// A short label for an arrow: the command without its `x = NODE:` prefix; an atomic block as
// the list of its commands.
function shortLabel(step) {
  let text = step.text.trim().replace(/\s+/g, ' ');
  if (step.kind !== 'statement') return text;
  if (/^atomic\b/.test(text)) {
    const cmds = [];
    // After `{` or `;`: an optional `x =`, an optional `NODE:`, then the verb and its first word.
    const re = new RegExp(
        '(?:^|[{;]\\s*)(?:[A-Za-z_][\\w.[\\]]*\\s*=\\s*)?' +
            '(?:[A-Za-z_]\\w*(?:\\[[^\\]]*\\])?\\s*:\\s*)?([A-Z]{2,}(?:\\s+[^\\s;{}]+)?)',
        'g');
    let m;
    while ((m = re.exec(text)) !== null) cmds.push(m[1]);
    return cmds.length ? 'atomic: ' + cmds.join(', ') : text;
  }
  const prefix =
      /^(?:[A-Za-z_][\w.[\]]*\s*=\s*)?[A-Za-z_]\w*(?:\[[^\]]*\])?\s*:(?!:)\s*/.exec(text);
  return prefix ? text.slice(prefix[0].length) : text;
}

// ---- Change paths → the cells they name ----

// "[id=7].stock" → [{kind:'index', text:'id=7'}, {kind:'field', text:'stock'}]; quotes and
// nested brackets inside an index are kept whole.
function accessors(rest) {
  const out = [];
  let i = 0;
  while (i < rest.length) {
    if (rest[i] === '.') {
      const m = /^\.([\w$]+)/.exec(rest.slice(i));
      if (!m) return null;
      out.push({kind: 'field', text: m[1]});
      i += m[0].length;
    } else if (rest[i] === '[') {
      let depth = 0, quote = '', j = i;
      for (; j < rest.length; ++j) {
        const c = rest[j];
        if (quote) {
          if (c === quote) quote = '';
          continue;
        }
        if (c === '\'' || c === '"')
          quote = c;
        else if (c === '[')
          ++depth;
        else if (c === ']' && --depth === 0)
          break;
      }
      if (j >= rest.length) return null;
      out.push({kind: 'index', text: rest.slice(i + 1, j)});
      i = j + 1;
    } else if (/\s/.test(rest[i])) {
      ++i;
    } else {
      return null;
    }
  }
  return out;
}

function splitTopLevel(text, sep) {
  const parts = [];
  let depth = 0, quote = '', start = 0;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '\'' || c === '"')
      quote = c;
    else if (c === '[' || c === '(')
      ++depth;
    else if (c === ']' || c === ')')
      --depth;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function sameValue(a, b) {
  return unquote(a) === unquote(b);
}

function findRow(table, selector) {
  const pairs = splitTopLevel(selector, ',').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? {col: -1, val: p} :
                    {col: table.columns.indexOf(p.slice(0, eq).trim()), val: p.slice(eq + 1)};
  });
  if (pairs.some((p) => p.col < 0 && pairs.length > 1)) return -1;
  return table.rows.findIndex(
      (row) => pairs.every((p) => sameValue(row.cells[p.col < 0 ? 0 : p.col], p.val)));
}

const PROCESS_FIELDS = {
  status: 'status',
  crashed: 'status',
  done: 'status',
  position: 'position',
  pc: 'position',
  line: 'position',
  transaction: 'transaction',
  txn: 'transaction'
};

// Resolves one change against a state: the key of the rendered cell (or row) it names, or a
// "ghost" entry for something the step removed, or null when nothing rendered matches.
function resolveChange(state, path) {
  const candidates = [];
  if (state.has_clock) candidates.push({name: 'clock', kind: 'clock'});
  for (const v of state.shared) candidates.push({name: v.name, kind: 'var'});
  for (const v of state.ghosts) candidates.push({name: v.name, kind: 'var'});
  for (const p of state.processes) candidates.push({name: p.name, kind: 'process', p});
  for (const t of state.tables) candidates.push({name: t.name, kind: 'table', t});
  for (const r of state.redis) candidates.push({name: r.node, kind: 'redis', r});
  let best = null;
  for (const c of candidates) {
    if (!path.startsWith(c.name)) continue;
    const next = path[c.name.length];
    if (next !== undefined && next !== '.' && next !== '[' && !/\s/.test(next)) continue;
    if (!best || c.name.length > best.name.length) best = c;
  }
  if (!best) return null;
  const acc = accessors(path.slice(best.name.length));
  if (acc === null) return null;
  switch (best.kind) {
    case 'clock':
      return {key: 'clock'};
    case 'var':
      return {key: 'var:' + best.name};
    case 'process': {
      const whole = {key: 'proc:' + best.name};
      if (acc.length === 0 || acc[0].kind !== 'field') return whole;
      const f = acc[0].text;
      if (best.p.locals.some((l) => l.name === f)) {
        return {key: 'proc:' + best.name + ':local:' + f};
      }
      if (PROCESS_FIELDS[f]) return {key: 'proc:' + best.name + ':' + PROCESS_FIELDS[f]};
      return whole;
    }
    case 'table': {
      const t = best.t;
      if (acc.length === 0 || acc[0].kind !== 'index') return {key: 'table:' + t.name};
      const row = findRow(t, acc[0].text);
      if (row < 0) return {ghost: 'table', table: t.name, label: acc[0].text};
      const rowKey = 'row:' + t.name + ':' + row;
      if (acc.length < 2 || acc[1].kind !== 'field') return {key: rowKey};
      const f = acc[1].text;
      if (f === 'lock' && !t.columns.includes('lock')) return {key: 'lock:' + t.name + ':' + row};
      if (f === 'pending' && !t.columns.includes('pending')) {
        return {key: 'pending:' + t.name + ':' + row};
      }
      const col = t.columns.indexOf(f);
      return {key: col < 0 ? rowKey : 'cell:' + t.name + ':' + row + ':' + col};
    }
    case 'redis': {
      const node = best.r.node;
      if (acc.length === 0 || acc[0].kind !== 'index') return {key: 'redis:' + node};
      const key = unquote(acc[0].text);
      if (!best.r.keys.some((k) => unquote(k.key) === key)) {
        return {ghost: 'redis', node, label: key};
      }
      const base = 'rkey:' + node + ':' + key;
      if (acc.length >= 2 && acc[1].kind === 'field') {
        if (/^(expires?|expires_at|ttl|expiry)$/.test(acc[1].text)) return {key: base + ':exp'};
        if (acc[1].text === 'value') return {key: base + ':value'};
      }
      return {key: base};
    }
  }
  return null;
}

// The marks for one state: keys → the change that touched them, plus removed entries.
function changeMarks(state, changes) {
  const marks = {keys: new Map(), ghosts: [], unmatched: []};
  for (const c of changes || []) {
    const r = resolveChange(state, c.path);
    if (!r)
      marks.unmatched.push(c);
    else if (r.ghost)
      marks.ghosts.push(Object.assign({change: c}, r));
    else
      marks.keys.set(r.key, c);
  }
  return marks;
}

// ---- The state view ----

// A value cell: marked when its key, or the key of what holds it (its row), changed; the old
// value is shown struck through when this very cell changed.
function valueCell(tag, marks, key, rowKey, value, extraClass) {
  const change = marks.keys.get(key);
  const changed = change || (rowKey && marks.keys.has(rowKey));
  const el =
      h(tag,
        {class: [extraClass, changed ? 'changed' : ''].filter(Boolean).join(' '), 'data-key': key});
  if (change) {
    el.title = change.from === '' ? 'new in this step' : 'was ' + change.from;
    if (change.from !== '' && change.from !== value) {
      el.append(h('del', {class: 'old', text: change.from}), ' ');
    }
  }
  el.append(value === '' ? h('span', {class: 'none', text: '—'}) : value);
  return el;
}

function card(title, subtitle, kind, changed, ...body) {
  return h(
      'section', {class: 'card card-' + kind + (changed ? ' changed-card' : '')},
      h('h4', null, h('span', {class: 'card-title', text: title}),
        subtitle ? h('span', {class: 'card-kind', text: subtitle}) : null),
      body);
}

function renderTable(t, marks) {
  const ghosts = marks.ghosts.filter((g) => g.ghost === 'table' && g.table === t.name);
  const head =
      h('tr', null, t.columns.map((c) => h('th', {text: c})),
        h('th', {class: 'meta', text: 'lock'}), h('th', {class: 'meta', text: 'pending'}));
  const rows = t.rows.map((row, i) => {
    const rowKey = 'row:' + t.name + ':' + i;
    const tr = h('tr', {class: marks.keys.has(rowKey) ? 'changed-row' : null, 'data-key': rowKey});
    row.cells.forEach(
        (v, c) =>
            tr.append(valueCell('td', marks, 'cell:' + t.name + ':' + i + ':' + c, rowKey, v)));
    tr.append(valueCell(
        'td', marks, 'lock:' + t.name + ':' + i, rowKey, row.lock,
        'meta' + (row.lock ? ' locked' : '')));
    tr.append(valueCell(
        'td', marks, 'pending:' + t.name + ':' + i, rowKey, row.pending,
        'meta' + (row.pending ? ' pending' : '')));
    return tr;
  });
  for (const g of ghosts) {
    rows.push(
        h('tr', {class: 'removed changed-row', title: 'removed in this step'},
          h('td', {colspan: t.columns.length + 2}, h('del', {text: g.label}),
            g.change.from ? ' (was ' + g.change.from + ')' : '')));
  }
  const body = rows.length ?
      rows :
      [h('tr', null, h('td', {class: 'empty', colspan: t.columns.length + 2, text: 'no rows'}))];
  return card(
      t.name, 'table', 'table', marks.keys.has('table:' + t.name),
      h('div', {class: 'grid-wrap'},
        h('table', {class: 'grid'}, h('thead', null, head), h('tbody', null, body))));
}

function renderRedis(node, marks, state) {
  const ghosts = marks.ghosts.filter((g) => g.ghost === 'redis' && g.node === node.node);
  const rows = node.keys.map((k) => {
    const base = 'rkey:' + node.node + ':' + unquote(k.key);
    let expiry = k.expires_at;
    if (expiry !== '' && state.has_clock) {
      const left = Number(expiry) - state.clock;
      if (Number.isFinite(left))
        expiry = 'at ' + expiry + ' (' + plural(left, 'tick', 'ticks') + ' left)';
    } else if (expiry !== '') {
      expiry = 'at ' + expiry;
    }
    return h(
        'tr', {class: marks.keys.has(base) ? 'changed-row' : null, 'data-key': base},
        valueCell('td', marks, base + ':key', base, k.key, 'key'),
        valueCell('td', marks, base + ':value', base, k.value),
        valueCell('td', marks, base + ':exp', base, expiry === '' ? 'no expiry' : expiry, 'meta'));
  });
  for (const g of ghosts) {
    const why = g.change.from ? 'was ' + g.change.from + '; ' : '';
    rows.push(
        h('tr', {class: 'removed changed-row', title: 'removed in this step'},
          h('td', {class: 'key'}, h('del', {text: g.label})),
          h('td', {colspan: 2, class: 'meta', text: why + 'gone'})));
  }
  const body =
      rows.length ? rows : [h('tr', null, h('td', {class: 'empty', colspan: 3, text: 'no keys'}))];
  return card(
      node.node, 'redis node', 'redis', marks.keys.has('redis:' + node.node),
      h('table', {class: 'grid'},
        h('thead', null,
          h('tr', null, h('th', {text: 'key'}), h('th', {text: 'value'}),
            h('th', {class: 'meta', text: 'expires'}))),
        h('tbody', null, body)));
}

function renderVars(title, kind, vars, marks) {
  if (!vars.length) return null;
  return card(
      title, kind === 'ghost' ? 'observer only' : null, 'vars', false,
      h('table', {class: 'grid kv'},
        h('tbody', null,
          vars.map(
              (v) =>
                  h('tr', null, h('th', {text: v.name}),
                    valueCell('td', marks, 'var:' + v.name, null, v.value))))));
}

// The locals a done or crashed process had when it last ran, for those its state no longer
// keeps (nothing reads them again, so the checker resets them): {name: value}.
// They are the values after step `step`, the one before its last: what that last step did to
// them is not kept.
function lastLocals(earlier, p) {
  if (p.status !== 'done' && p.status !== 'crashed') return {step: -1, locals: []};
  for (let k = earlier.length - 1; k >= 0; --k) {
    const q = (earlier[k].processes || []).find((x) => x.name === p.name);
    if (!q || q.status === 'done' || q.status === 'crashed') continue;
    return {step: k, locals: q.locals.filter((l) => !p.locals.some((m) => m.name === l.name))};
  }
  return {step: -1, locals: []};
}

function renderProcesses(processes, marks, colorOf, earlier) {
  if (!processes.length) return null;
  const rows = processes.map((p) => {
    const key = 'proc:' + p.name;
    const before = lastLocals(earlier || [], p);
    const when = before.step === 0 ? 'initially' : 'after step ' + before.step;
    const last = before.locals.map((l) => {
      const chip = h('span', {
        class: 'chip last',
        'data-last': l.name,
        title: 'its value ' + when + ', before its last step: nothing reads it after the ' +
            'process ' + (p.status === 'done' ? 'ended' : 'crashed') + ', so it is not kept',
        text: l.value
      });
      chip.prepend(h('span', {class: 'chip-name', text: l.name + ' = '}));
      return chip;
    });
    if (last.length) last.unshift(h('span', {class: 'last-note', text: when + ':'}));
    const position =
        p.status === 'done' || p.line === 0 ? p.position : 'line ' + p.line + ': ' + p.position;
    return h(
        'tr', {class: marks.keys.has(key) ? 'changed-row' : null, 'data-key': key},
        h('th', {class: 'proc-name', style: '--actor:' + colorOf(p.name), text: p.name}),
        valueCell('td', marks, key + ':status', key, p.status, 'status status-' + p.status),
        valueCell('td', marks, key + ':position', key, position, 'position'),
        valueCell('td', marks, key + ':transaction', key, p.transaction, 'meta'),
        h('td', {class: 'locals'}, p.locals.map((l) => {
          const chip = valueCell('span', marks, key + ':local:' + l.name, key, l.value, 'chip');
          chip.prepend(h('span', {class: 'chip-name', text: l.name + ' = '}));
          return chip;
        }),
          last));
  });
  return card(
      'Processes', null, 'processes', false,
      h('div', {class: 'grid-wrap'},
        h('table', {class: 'grid procs'},
          h('thead', null,
            h('tr', null,
              ['process', 'status', 'next', 'transaction', 'locals'].map(
                  (t) => h('th', {text: t})))),
          h('tbody', null, rows))));
}

const BUILTINS = ['found', 'row_count', 'sql_error'];

// A step's changes in the order a reader looks for them (as in the text report): tables, Redis
// keys, the clock and shared or ghost variables first, then the processes' locals and status,
// the built-ins last.
function orderedChanges(step) {
  const names = ((step.after && step.after.processes) || []).map((p) => p.name);
  const group = (c) => {
    const owner = names.find((n) => c.path.startsWith(n + '.'));
    if (owner === undefined) return 0;
    return BUILTINS.includes(c.path.slice(owner.length + 1)) ? 2 : 1;
  };
  return [0, 1, 2].flatMap((g) => (step.changes || []).filter((c) => group(c) === g));
}

function renderChanges(changes) {
  if (!changes || !changes.length) return h('p', {class: 'no-changes', text: 'No state changed.'});
  return h(
      'ul', {class: 'changes'},
      changes.map(
          (c) =>
              h('li', null, h('code', {class: 'path', text: c.path}), ': ',
                c.from === '' ? h('span', {class: 'none', text: '(none)'}) :
                                h('span', {class: 'from', text: c.from}),
                ' → ',
                c.to === '' ? h('span', {class: 'none', text: '(removed)'}) :
                              h('span', {class: 'to', text: c.to}))));
}

// `earlier`: the states before this one, for what done or crashed processes last held.
function renderState(state, changes, colorOf, earlier) {
  const marks = changeMarks(state, changes);
  const cards = [];
  if (state.has_clock) {
    cards.push(card(
        'Clock', null, 'clock', false,
        h('p', {class: 'clock'},
          'now = ', valueCell('span', marks, 'clock', null, String(state.clock), 'big'))));
  }
  cards.push(renderVars('Shared variables', 'shared', state.shared, marks));
  cards.push(renderVars('Ghost variables', 'ghost', state.ghosts, marks));
  for (const t of state.tables) cards.push(renderTable(t, marks));
  for (const r of state.redis) cards.push(renderRedis(r, marks, state));
  cards.push(renderProcesses(state.processes, marks, colorOf, earlier));
  return h('div', {class: 'cards'}, cards);
}

// ---- The sequence diagram ----

function arrowLabel(group, x, y, text, anchor, cls) {
  group.append(s('text', {x, y, 'text-anchor': anchor, class: cls, text}));
}

// The holder a row lock names: "FOR UPDATE by client[1]" -> "client[1]".
function lockHolder(lock) {
  const i = lock.lastIndexOf(' by ');
  return i < 0 ? '' : lock.slice(i + 4);
}

// Why a lifetime ended at step `step`: a tick expires keys, a node restart loses them, a
// statement deletes or overwrites a key, and ends a transaction (or aborts it) for a lock.
function endOf(seg, step, next) {
  if (!step) return 'end';
  if (seg.kind === 'key') {
    if (step.kind === 'tick') return 'expired';
    if (step.kind === 'fault') return 'lost';
    return next ? 'overwritten' : 'deleted';
  }
  return next ? 'changed' : 'released';
}

// The lifetimes of Redis keys and of row locks, read from the states: a segment per stretch of
// steps in which a key keeps its value or a row its lock, from the step that made it to the one
// that ended it (trace.length + 1: it lasts to the end). Each gets a slot on its lane, so that
// the bars of different keys or rows stand side by side.
function lifetimes(model, states, trace) {
  const segments = [];
  const open = new Map();
  const slots = new Map();  // lane -> ids in order of first appearance
  const n = states.length - 1;
  for (let r = 0; r <= n; ++r) {
    const present = new Map();
    for (const node of states[r].redis || []) {
      const lane = model.byName.get(node.node);
      if (lane === undefined) continue;
      for (const k of node.keys) {
        present.set('key ' + node.node + ' ' + k.key, {
          kind: 'key',
          lane,
          node: node.node,
          name: unquote(k.key),
          value: k.value,
          holder: unquote(k.value)
        });
      }
    }
    if (model.db >= 0) {
      for (const t of states[r].tables || []) {
        for (const row of t.rows) {
          if (!row.lock) continue;
          const name = t.name + '[' + (t.columns[0] || '') + '=' + row.cells[0] + ']';
          present.set('lock ' + name, {
            kind: 'lock',
            lane: model.db,
            node: '',
            name,
            value: row.lock,
            holder: lockHolder(row.lock)
          });
        }
      }
    }
    for (const [id, seg] of open) {
      const now = present.get(id);
      if (now && now.value === seg.value) continue;
      seg.to = r;
      seg.end = endOf(seg, trace[r - 1], now);
      segments.push(seg);
      open.delete(id);
    }
    for (const [id, p] of present) {
      if (open.has(id)) continue;
      if (!slots.has(p.lane)) slots.set(p.lane, []);
      const ids = slots.get(p.lane);
      if (!ids.includes(id)) ids.push(id);
      open.set(id, Object.assign({id, from: r, slot: ids.indexOf(id)}, p));
    }
  }
  for (const seg of open.values()) {
    seg.to = n + 1;
    seg.end = 'end';
    segments.push(seg);
  }
  return {segments, slots};
}

// What a tick did to Redis: "lock:1 of worker[1] expired" for each key it removed (with the node
// when there are several), "" when it expired nothing.
function expiredBy(step, model) {
  if (step.kind !== 'tick') return '';
  const out = [];
  for (const c of step.changes || []) {
    const m = /^(.*)\['(.*)'\]$/.exec(c.path);
    if (!m || c.to !== '' || c.from === '') continue;
    out.push(
        m[2] + ' of ' + unquote(c.from) + ' expired' +
        (model.redis.length > 1 ? ' on ' + m[1] : ''));
  }
  return out.join('; ');
}

// The line under a tick's label: what it expired, and its result unless that only repeats the
// label's "now = 3".
function tickBelow(step, model) {
  const now = step.after && step.after.has_clock ? 'now = ' + step.after.clock : null;
  const result = step.result && step.result !== now ? step.result : '';
  return [result, expiredBy(step, model)].filter(Boolean).join('; ');
}

function drawDiagram(trace, model, property, geometry, onSelect) {
  const {laneW, left, width} = geometry;
  const n = trace.length;
  // A deadlock's wait-for edges get a row of their own below the last step.
  const edges = property.wait_for || [];
  const extra = edges.length ? 1 : 0;
  const height = HEAD_H + ROW_H * (n + 1 + extra) + ROW_H;
  const laneX = (i) => left + laneW * i + laneW / 2;
  const rowY = (r) => HEAD_H + ROW_H * r + ROW_H / 2;
  const svg = s('svg', {
    class: 'seq',
    width,
    height,
    viewBox: '0 0 ' + width + ' ' + height,
    role: 'img',
    'aria-label': 'Sequence diagram of the trace of ' + property.name
  });
  const defs = s('defs');
  const markerId = (name) => 'lc-head-' + name + '-' + geometry.id;
  for (const [name, cls] of [['normal', 'head'], ['fault', 'head head-fault']]) {
    defs.append(
        s('marker', {
          id: markerId(name),
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse'
        },
          s('path', {d: 'M0,0 L10,5 L0,10 z', class: cls})));
  }
  svg.append(defs);

  const bands = s('g', {class: 'bands'});
  for (let r = 0; r <= n; ++r) {
    bands.append(s('rect', {
      class: 'band',
      x: 0,
      y: HEAD_H + ROW_H * r,
      width,
      height: ROW_H,
      'data-step': r,
      onclick: () => onSelect(r)
    }));
  }
  svg.append(bands);
  // A lasso's cycle (liveness): one shaded band over its steps, and the way back.
  if (property.trace_kind === 'lasso' && n > property.loop_to) {
    const first = property.loop_to + 1;
    const y0 = HEAD_H + ROW_H * first;
    svg.append(s('g', {class: 'cycle'},
      s('rect', {class: 'cycle-band', x: 0, y: y0, width, height: ROW_H * (n - property.loop_to)}),
      s('text', {
        class: 'cycle-label', x: width - 4, y: y0 + 12, 'text-anchor': 'end',
        text: '↺ cycle: back to ' +
            (property.loop_to === 0 ? 'the initial state' : 'after step ' + property.loop_to)
      })));
  }

  // Lifelines, one segment per row, styled by the process's status after that row's step.
  const states = [geometry.initial].concat(trace.map((st) => st.after));
  const lines = s('g', {class: 'lifelines'});
  model.lanes.forEach((lane, i) => {
    const x = laneX(i);
    lines.append(s('line', {class: 'lifeline', x1: x, y1: HEAD_H, x2: x, y2: HEAD_H + ROW_H / 2}));
    for (let r = 0; r <= n; ++r) {
      let cls = 'lifeline';
      let txn = '';
      let blocked = false;
      if (lane.kind === 'process') {
        const p = states[r].processes.find((q) => q.name === lane.name);
        if (p) {
          cls += ' status-' + p.status;
          txn = p.transaction;
          blocked = p.status === 'blocked';
        }
      }
      const y1 = rowY(r), y2 = r === n ? height - ROW_H / 2 : rowY(r + 1);
      const line = s('line', {class: cls, x1: x, y1, x2: x, y2});
      lines.append(line);
      if (txn === 'open' || txn === 'failed') {
        lines.append(
            s('rect', {class: 'txn txn-' + txn, x: x - 5, y: y1, width: 10, height: y2 - y1},
              s('title', {text: 'transaction ' + txn})));
        // Blocked inside a transaction (how a deadlock looks): the waiting line goes over the
        // bar, which would hide it.
        if (blocked) lines.append(line);
      }
    }
  });
  svg.append(lines);

  // Each Redis key and row lock as a bar on its store's lane, in the colour of the process its
  // value or lock names, labelled with it, so that a lease that runs out under its holder shows.
  const bars = s('g', {class: 'lifetimes'});
  const {segments, slots} = lifetimes(model, states, trace);
  const yOf = (r) => (r > n ? height - ROW_H / 2 : rowY(r));
  for (const seg of segments) {
    const x = laneX(seg.lane) - BAR_W / 2 + seg.slot * (BAR_W + 3);
    const y0 = rowY(seg.from), y1 = yOf(seg.to);
    const holder = model.byName.get(seg.holder);
    const color = holder !== undefined ? model.color[holder] : model.color[seg.lane];
    const alone = (slots.get(seg.lane) || []).length === 1;
    const text = seg.kind === 'key' ? (alone ? seg.value : seg.name + ' = ' + seg.value) :
                                      (alone ? seg.holder : seg.name + ' ' + seg.holder);
    const until = seg.to > n ? 'to the end' : 'until step ' + seg.to + ' (' + seg.end + ')';
    const from = seg.from === 0 ? 'from the start' : 'from step ' + seg.from;
    const g =
        s('g', {
          class: 'lifetime lifetime-' + seg.kind + ' end-' + seg.end,
          'data-lane': model.lanes[seg.lane].name,
          'data-name': seg.name,
          'data-value': seg.value,
          'data-from': seg.from,
          'data-to': seg.to > n ? '' : seg.to,
          'data-end': seg.end,
          style: '--holder:' + color,
          onclick: () => onSelect(seg.from)
        },
          s('title', {
            text: (seg.kind === 'key' ? seg.node + ' key ' + seg.name + ' = ' + seg.value :
                                        seg.name + ' locked ' + seg.value) +
                ', ' + from + ' ' + until
          }),
          s('rect', {class: 'bar', x, y: y0, width: BAR_W, height: Math.max(4, y1 - y0), rx: 3}));
    const room = Math.floor((y1 - y0 - 8) / 5.8);
    if (room >= 3) {
      const cx = x + BAR_W / 2 - 3.3;  // turned a quarter right, the glyphs rise to the right
      g.append(s('text', {
        class: 'bar-label',
        x: cx,
        y: y0 + 5,
        transform: 'rotate(90 ' + cx + ' ' + (y0 + 5) + ')',
        text: truncate(text, room)
      }));
    }
    if (seg.to <= n) {
      g.append(s('line', {class: 'cap', x1: x - 2, y1, x2: x + BAR_W + 2, y2: y1}));
    }
    bars.append(g);
  }
  svg.append(bars);

  const heads = s('g', {class: 'lane-heads'});
  model.lanes.forEach((lane, i) => {
    const x = laneX(i);
    heads.append(
        s('g', {
          class: 'lane lane-' + lane.kind,
          'data-lane': lane.name,
          style: '--actor:' + model.color[i]
        },
          s('rect', {
            class: 'lane-box',
            x: x - laneW / 2 + 6,
            y: 6,
            width: laneW - 12,
            height: HEAD_H - 14,
            rx: 6
          }),
          s('text', {
            class: 'lane-name',
            x,
            y: 27,
            'text-anchor': 'middle',
            text: truncate(lane.name, Math.floor((laneW - 16) / 7.5))
          }),
          s('text', {class: 'lane-kind', x, y: 42, 'text-anchor': 'middle', text: lane.kind}),
          s('title', {text: lane.kind + ' ' + lane.name})));
  });
  svg.append(heads);

  const arrows = s('g', {class: 'arrows'});
  trace.forEach((step, k) => {
    const r = k + 1;
    const y = rowY(r);
    const c = classify(model, step);
    const g = s('g', {
      class: 'lc-arrow arrow-' + c.type + ' kind-' + step.kind,
      'data-step': r,
      'data-from': c.from >= 0 ? model.lanes[c.from].name : '',
      'data-to': c.to >= 0 ? model.lanes[c.to].name : '',
      style: '--actor:' + (c.from >= 0 ? model.color[c.from] : 'var(--fg)'),
      onclick: () => onSelect(r)
    });
    g.append(s('title', {
      text: step.step + '. ' + step.actor + ': ' + step.text +
          (step.result ? ' → ' + step.result : '')
    }));
    const label = shortLabel(step);
    const result = step.result;
    const x0 = c.from >= 0 ? laneX(c.from) : left + laneW / 2;
    const x1 = c.to >= 0 ? laneX(c.to) : x0;
    // Marker labels go right of the lane (the diagram keeps room right of the last lane).
    const sideX = x0 + 16;
    const sideAnchor = 'start';
    const sideChars = Math.floor((width - sideX - 4) / CHAR_W);
    if (c.type === 'arrow' || c.type === 'abort') {
      const dir = x1 > x0 ? 1 : -1;
      g.append(s('line', {
        class: 'shaft',
        x1: x0 + dir * 9,
        y1: y,
        x2: x1 - dir * 3,
        y2: y,
        'marker-end': 'url(#' + markerId(c.type === 'abort' ? 'fault' : 'normal') + ')'
      }));
      // Labels start right of the numbered tail and may run past the head (they are painted over
      // the lifelines with a halo), so that a short arrow still shows its whole statement.
      const lx = x0 + 14;
      const chars = Math.floor((width - lx - 6) / CHAR_W);
      arrowLabel(g, lx, y - 7, truncate(label, chars), 'start', 'label');
      if (result) arrowLabel(g, lx, y + 15, truncate(result, chars), 'start', 'result');
    } else if (c.type === 'self') {
      g.append(s('path', {
        class: 'shaft',
        d: 'M' + (x0 + 9) + ',' + (y - 8) + ' h24 v16 h-21',
        fill: 'none',
        'marker-end': 'url(#' + markerId('normal') + ')'
      }));
      arrowLabel(g, x0 + 40, y - 2, truncate(label, Math.max(sideChars - 4, 12)), 'start', 'label');
      if (result)
        arrowLabel(
            g, x0 + 40, y + 13, truncate(result, Math.max(sideChars - 4, 12)), 'start', 'result');
    } else if (c.type === 'tick') {
      g.append(
          s('circle', {class: 'tick-face', cx: x0, cy: y, r: 10}),
          s('path',
            {class: 'tick-hands', d: 'M' + x0 + ',' + (y - 6) + ' V' + y + ' H' + (x0 + 5)}));
      const now =
          step.after && step.after.has_clock ? label + ' → now = ' + step.after.clock : label;
      arrowLabel(g, sideX, y - 2, truncate(now, sideChars), sideAnchor, 'label');
      const below = tickBelow(step, model);
      if (below) {
        arrowLabel(
            g, sideX, y + 13, truncate(below, sideChars), sideAnchor,
            expiredBy(step, model) ? 'result expired' : 'result');
      }
    } else if (c.type === 'fault') {
      g.append(s('path', {
        class: 'fault-cross',
        d: 'M' + (x0 - 8) + ',' + (y - 8) + ' L' + (x0 + 8) + ',' + (y + 8) + ' M' + (x0 + 8) +
            ',' + (y - 8) + ' L' + (x0 - 8) + ',' + (y + 8)
      }));
      arrowLabel(g, sideX, y - 2, truncate(label, sideChars), sideAnchor, 'label fault-label');
      if (result) arrowLabel(g, sideX, y + 13, truncate(result, sideChars), sideAnchor, 'result');
    } else {
      g.append(s('rect', {class: 'marker-box', x: x0 - 7, y: y - 7, width: 14, height: 14, rx: 3}));
      arrowLabel(g, sideX, y - 2, truncate(label, sideChars), sideAnchor, 'label');
      if (result) arrowLabel(g, sideX, y + 13, truncate(result, sideChars), sideAnchor, 'result');
    }
    // The step's number: at the tail of an arrow, or left of a marker.
    const marker = !(c.type === 'arrow' || c.type === 'abort' || c.type === 'self');
    const nx = marker ? x0 - 22 : x0;
    g.append(
        s('circle', {class: 'num-dot', cx: nx, cy: y, r: 9}),
        s('text', {class: 'num', x: nx, y: y + 3.5, 'text-anchor': 'middle', text: String(r)}));
    if (c.type === 'arrow' || c.type === 'abort') {  // on top: an easier target than a 2px line
      g.append(
          s('rect',
            {class: 'hit', x: Math.min(x0, x1), y: y - 9, width: Math.abs(x1 - x0), height: 18}));
    }
    arrows.append(g);
  });
  svg.append(arrows);

  // A deadlock's wait-for cycle, below the last step: a dashed arrow from each waiter to the lane
  // of the transaction it waits for, labelled with the row.
  if (edges.length) {
    const g = s('g', {class: 'wait-for'});
    const yw = rowY(n + 1) - 6;
    edges.forEach((e, i) => {
      const from = model.lanes.findIndex((l) => l.kind === 'process' && l.name === e.from);
      const to = model.lanes.findIndex((l) => l.kind === 'process' && l.name === e.to);
      if (from < 0 || to < 0 || from === to) return;
      const y = yw + (i % 2) * 12;
      const x0 = laneX(from), x1 = laneX(to);
      const dir = x1 > x0 ? 1 : -1;
      g.append(s('line', {
        class: 'wait-edge',
        'data-from': e.from,
        'data-to': e.to,
        x1: x0 + dir * 6,
        y1: y,
        x2: x1 - dir * 4,
        y2: y,
        'marker-end': 'url(#' + markerId('fault') + ')'
      }, s('title', {text: e.from + ' waits for ' + (e.row ? e.row + ' held by ' : '') + e.to})));
      // Labels start at the waiter's lane: above the first edge, below the second.
      if (e.row)
        arrowLabel(g, x0 + dir * 10, i % 2 ? y + 14 : y - 5, truncate('waits for ' + e.row, 32),
                   dir > 0 ? 'start' : 'end', 'result');
    });
    svg.append(g);
  }

  // The end of the trace: the violated property, across every lane.
  const yv = HEAD_H + ROW_H * (n + 1 + extra) + ROW_H / 2;
  svg.append(
      s('g', {class: 'violation-mark'}, s('line', {x1: left + 4, y1: yv, x2: width - 4, y2: yv}),
        s('text', {x: left + 6, y: yv - 6, text: '✗ ' + property.name + ' ' + property.status})));
  return svg;
}

// ---- Page sections ----

function verdictOf(d) {
  if (d.error_text) return {cls: 'bad', text: 'SPEC ERROR'};
  if (!d.as_expected) return {cls: 'bad', text: 'NOT AS EXPECTED'};
  if (!d.complete) return {cls: 'warn', text: 'INCOMPLETE'};
  return {cls: 'ok', text: 'AS EXPECTED'};
}

function summaryOf(d) {
  const violated = d.properties.filter((p) => p.status === 'violated');
  if (d.error_text) return 'The spec has errors; nothing was checked.';
  if (violated.length === 0) {
    return d.complete ? 'Every property holds.' : 'No violation found before the search stopped.';
  }
  return violated
             .map(
                 (p) => p.name + ' is violated' +
                     (p.expected === 'violated' ? ' (expected)' : ' (NOT expected)'))
             .join('; ') +
      '.';
}

function renderHeader(d) {
  const v = verdictOf(d);
  const st = d.stats;
  const totals = [
    ['states', fmtInt(st.states)],
    ['transitions', fmtInt(st.transitions)],
    ['depth', fmtInt(st.depth)],
    ['time', fmtSeconds(st.seconds)],
  ];
  if (st.peak_memory_bytes) totals.push(['memory', fmtBytes(st.peak_memory_bytes)]);
  totals.push([
    'search', d.complete ? 'complete' : 'stopped: ' + (d.incomplete_reason || 'unknown reason')
  ]);
  return h(
      'header', {class: 'page-head'},
      h('div', {class: 'title-row'},
        h('div', null, h('p', {class: 'brand', text: 'lockcheck report'}),
          h('h1', {text: d.spec || '(unnamed spec)'}),
          d.file ? h('p', {class: 'file', text: d.file}) : null),
        h('div', {class: 'verdict ' + v.cls, id: 'verdict', text: v.text})),
      h('p', {class: 'summary', text: summaryOf(d)}),
      d.error_text ? null :
                     h('dl', {class: 'totals'},
                       totals.map(
                           ([k, val]) => h(
                               'div', {class: k === 'search' && !d.complete ? 'incomplete' : null},
                               h('dt', {text: k}), h('dd', {text: val})))),
      d.notes.length ? h('ul', {class: 'notes'}, d.notes.map((t) => h('li', {text: t}))) : null);
}

// The checker explains a violated invariant by the values it read ("sold = 2"), right after the
// expression; worded as the text report words it, the two do not run together.
function explanationText(p) {
  const e = p.explanation || '';
  if (p.kind !== 'invariant' || !e || e.startsWith('is false')) return e;
  return 'is false: ' + e;
}

// A counterexample replayed on real servers (check --postgres/--redis): the mark, and where it
// diverged, the model's and the server's outcomes side by side.
function renderServer(c) {
  if (!c) return null;
  if (c.status === 'reproduced') {
    return h('p', {class: 'server server-reproduced', text: '✓ reproduced on ' + c.servers});
  }
  if (c.status === 'error') {
    return h('p', {class: 'server server-error', text: 'not replayed on the servers: ' + c.error});
  }
  return h(
      'div', {class: 'server server-diverged'},
      h('p', {
        text: '✗ diverged at step ' + c.step + ' on ' + c.servers + ': ' +
            (c.actor ? c.actor + ': ' : '') + c.what
      }),
      h('table', {class: 'grid server-sides'},
        h('tbody', null, h('tr', null, h('th', {text: 'model'}), h('td', {text: c.model})),
          h('tr', null, h('th', {text: 'server'}), h('td', {text: c.server})))),
      c.note ? h('p', {class: 'meta', text: c.note}) : null);
}

function renderProperties(d, traceIds) {
  const rows = d.properties.map((p, i) => {
    const ok = p.as_expected;
    return h(
        'tr', {class: 'prop status-' + p.status + (ok ? '' : ' unexpected')},
        h('td', {class: 'prop-name'},
          traceIds[i] ? h('a', {href: '#' + traceIds[i], text: p.name}) : p.name),
        h('td', {class: 'meta', text: p.kind}),
        h('td', null, h('span', {class: 'badge badge-' + p.status, text: p.status})),
        h('td', {class: 'meta', text: p.expected}), h('td', {
          class: ok ? 'as-expected yes' : 'as-expected no',
          text: ok ? '✓ as expected' : '✗ not as expected'
        }),
        h('td', {class: 'prop-text'}, p.text ? h('code', {text: p.text}) : null,
          p.explanation ? h('span', {class: 'explanation', text: ' ' + explanationText(p)}) : null,
          p.faults ?
              h('span', {class: 'meta', text: ' (' + plural(p.faults, 'fault', 'faults') + ')'}) :
              null));
  });
  return h(
      'section', {class: 'properties'}, h('h2', {text: 'Properties'}),
      h('div', {class: 'grid-wrap'},
        h('table', {class: 'grid props'},
          h('thead', null,
            h('tr', null,
              ['property', 'kind', 'result', 'expected', '', 'detail'].map(
                  (t) => h('th', {text: t})))),
          h('tbody', null, rows))));
}

const traces = [];
let activeTrace = null;

// The lanes of the data, or, when a producer left them out, the ones its states imply: each
// process, the database, each Redis node, the clock.
function lanesOf(d) {
  if (d.lanes.length) return d.lanes;
  const lanes = d.initial.processes.map((p) => ({name: p.name, kind: 'process'}));
  if (d.initial.tables.length) lanes.push({name: 'db', kind: 'database'});
  for (const r of d.initial.redis) lanes.push({name: r.node, kind: 'redis'});
  if (d.initial.has_clock) lanes.push({name: 'clock', kind: 'clock'});
  return lanes;
}

// The width of lanes and of the room right of them for labels (`roomFor(laneW)`): as wide as the
// names and labels want, and, when that would not fit `budget` (the pixels the page leaves the
// diagram), the widest narrower lanes (down to what their names need) with which the labels
// still fit; failing that, the labels are cut with '…' (the step list has them whole). Five
// Redlock nodes, two workers and the clock fit a 1400-pixel window this way. `fits`: false when
// even the narrowest lanes with the least room for labels are wider than `budget`.
function laneGeometry(lanes, roomFor, left, budget) {
  const n = Math.max(1, lanes.length);
  const longest = Math.max(8, ...lanes.map((l) => l.name.length));
  const natural = Math.min(200, Math.max(150, longest * 8 + 40));
  const named = Math.max(MIN_LANE_W, Math.min(natural, Math.ceil(longest * 7.5) + 16));
  for (let laneW = natural; laneW >= named; --laneW) {
    const labelRoom = roomFor(laneW);
    if (left + laneW * n + labelRoom <= budget) return {laneW, labelRoom, fits: true};
  }
  const labelRoom = Math.max(LEAST_LABEL_ROOM, Math.min(roomFor(named), budget - left - named * n));
  return {laneW: named, labelRoom, fits: left + named * n + labelRoom <= budget};
}

// `budget`: the pixels for the diagram beside the step list; `wideBudget`: what it may take when
// its lanes need more, the step list giving up width (its lines are cut with '…' anyway).
function renderTrace(d, p, id, index, budget, wideBudget) {
  const lanes = lanesOf(d);
  const model = laneModel(lanes);
  const colorOf = (name) => {
    const i = model.byName.get(name);
    return i === undefined ? 'var(--fg)' : model.color[i];
  };
  const left = 16;
  // Right of the last lane: room for the labels that run past it (a statement drawn from a
  // right-hand lane), up to a bound; longer ones are cut with '…' (the step list has them whole).
  const wanted = (laneW) => {
    const lanesRight = left + laneW * Math.max(1, lanes.length);
    let room = MIN_LABEL_ROOM;
    for (const step of p.trace) {
      const i = model.byName.get(step.actor);
      if (i === undefined) continue;
      const label = shortLabel(step).length + (step.kind === 'tick' ? 12 : 0);  // ' → now = 3'
      const below = step.kind === 'tick' ? tickBelow(step, model) : step.result || '';
      const chars = Math.max(label, below.length);
      const end = left + laneW * i + laneW / 2 + 16 + chars * CHAR_W + 6;
      room = Math.max(room, Math.min(MAX_LABEL_ROOM, Math.ceil(end - lanesRight)));
    }
    return room;
  };
  let {laneW, labelRoom, fits} = laneGeometry(lanes, wanted, left, budget);
  const wide = !fits && wideBudget > budget;
  if (wide) ({laneW, labelRoom} = laneGeometry(lanes, wanted, left, wideBudget));
  const lanesRight = left + laneW * Math.max(1, lanes.length);
  const geometry = {
    laneW,
    left,
    width: lanesRight + labelRoom,
    id: index,
    initial: d.initial
  };
  const t = {id, property: p, trace: p.trace, selected: -1, model, colorOf, initial: d.initial};
  const select = (r, opts) => selectStep(t, r, opts || {});
  const svg = drawDiagram(p.trace, model, p, geometry, (r) => select(r, {focus: true}));

  const list = h('ol', {class: 'steps', role: 'listbox', 'aria-label': 'Trace steps'});
  list.append(
      h('li', {class: 'steps-head', 'aria-hidden': 'true', style: 'height:' + HEAD_H + 'px'},
        h('span', {text: 'step · actor · interaction'}), h('span', {text: 'result · changes'})));
  const rows = [
    {step: 0, actor: '', kind: 'initial', text: 'initial state', result: '', changes: []}
  ].concat(p.trace);
  rows.forEach((step, r) => {
    const changes = orderedChanges(step)
                        .map(
                            (c) => c.path + ' ' + (c.from === '' ? '∅' : c.from) + '→' +
                                (c.to === '' ? '∅' : c.to))
                        .join(', ');
    const li = h(
        'li', {
          class: 'step kind-' + step.kind + (step.cycle ? ' cycle' : ''),
          role: 'option',
          'data-step': r,
          'aria-selected': 'false',
          tabindex: -1,
          style: 'height:' + ROW_H + 'px',
          title: r === 0 ?
              'The state before any step' :
              step.actor + ': ' + step.text + (step.line ? ' (line ' + step.line + ')' : ''),
          onclick: () => select(r, {focus: true})
        },
        h('div', {class: 'l1'}, h('span', {class: 'num', text: String(r)}),
          r === 0 ? null :
                    h('span',
                      {class: 'actor', style: '--actor:' + colorOf(step.actor), text: step.actor}),
          h('code', {class: 'text', text: step.text}),
          step.line ? h('span', {class: 'line', text: 'line ' + step.line}) : null),
        h('div', {class: 'l2'},
          step.result ? h('span', {class: 'result', text: '→ ' + step.result}) : null,
          r > 0 && expiredBy(step, model) ?
              h('span', {class: 'result expired', text: expiredBy(step, model)}) :
              null,
          changes ? h('span', {class: 'chg', text: changes}) : null));
    list.append(li);
  });
  list.append(
      h('li', {class: 'violation-row', 'aria-hidden': 'true', style: 'height:' + ROW_H + 'px'},
        h('span', {text: '✗ ' + p.name + ' ' + p.status + ' after step ' + p.trace.length})));

  const panel = h('section', {class: 'state-panel', 'aria-live': 'polite'});
  const print = h(
      'section', {class: 'print-states'}, h('h3', {text: 'The state after each step'}),
      rows.map(
          (step, r) => h(
              'div', {class: 'print-state'}, h('h4', {
                text: r === 0 ? 'Initial state' :
                                'After step ' + r + ' · ' + step.actor + ': ' + step.text
              }),
              r === 0 ? null : renderChanges(orderedChanges(step)),
              renderState(
                  r === 0 ? d.initial : step.after, step.changes, colorOf,
                  [d.initial].concat(p.trace.slice(0, Math.max(0, r - 1)).map((x) => x.after))))));

  const expectedNote = p.expected === 'violated' ? 'expected' : 'NOT expected';
  const length = (p.trace_kind === 'lasso' ?
                      'lasso: ' + p.loop_to + ' + ' + (p.trace.length - p.loop_to) + ' steps' :
                      plural(p.trace.length, 'step', 'steps')) +
      (p.faults ? ', ' + plural(p.faults, 'fault', 'faults') : '');
  const heading =
      h('h2', null, h('span', {class: 'cross', text: '✗ '}), p.name + ' ' + p.status,
        h('span', {class: 'meta', text: ' · ' + length}), h('span', {
          class: 'badge ' + (p.as_expected ? 'badge-holds' : 'badge-violated'),
          text: expectedNote
        }));
  const section =
      h('section', {
        class: 'trace',
        id,
        'data-property': p.name,
        onpointerdown: () => {
          activeTrace = t;
        }
      },
        heading, h('p', {
          class: 'hint',
          text: 'Click a step or an arrow to see the state after it; ↑ ↓ move between steps.'
        }),
        h('div', {class: 'trace-body'},
          h('div', {class: 'diagram-wrap' + (wide ? ' diagram-wide' : '')}, svg), list),
        h('div', {class: 'violation'},
          h('p', {class: 'violation-title'}, h('strong', {text: '✗ ' + p.name}),
            ' ' + p.status + ' at the end of this trace'),
          p.text ? h('p', null, h('code', {class: 'prop-expr', text: p.text})) : null,
          p.explanation ? h('p', {class: 'explanation', text: explanationText(p)}) : null,
          p.fairness ? h('p', {class: 'fairness', text: p.fairness}) : null,
          renderServer(p.server)),
        panel, print);
  Object.assign(t, {section, svg, list, panel});
  traces.push(t);
  return section;
}

function selectStep(t, r, opts) {
  const n = t.trace.length;
  r = Math.max(0, Math.min(n, r));
  t.selected = r;
  activeTrace = t;
  for (const el of t.svg.querySelectorAll('[data-step]')) {
    el.classList.toggle('selected', Number(el.getAttribute('data-step')) === r);
  }
  for (const li of t.list.querySelectorAll('li.step')) {
    const on = Number(li.getAttribute('data-step')) === r;
    li.classList.toggle('selected', on);
    li.setAttribute('aria-selected', on ? 'true' : 'false');
    li.tabIndex = on ? 0 : -1;
    if (on && opts.focus) {
      li.focus({preventScroll: true});
      li.scrollIntoView({block: 'nearest'});
    }
  }
  const step = r === 0 ? null : t.trace[r - 1];
  const state = step ? step.after : t.initial;
  t.panel.replaceChildren(
      h('header', {class: 'state-head'},
        h('h3', {text: step ? 'State after step ' + r + ' of ' + n : 'Initial state'}),
        step ? h('p', {class: 'state-step'},
                 h('span',
                   {class: 'actor', style: '--actor:' + t.colorOf(step.actor), text: step.actor}),
                 ' ', h('code', {text: step.text}),
                 step.line ? h('span', {class: 'meta', text: ' (line ' + step.line + ')'}) : null,
                 step.result ? h('span', {class: 'result', text: ' → ' + step.result}) : null,
                 expiredBy(step, t.model) ?
                     h('span', {class: 'result expired', text: ' · ' + expiredBy(step, t.model)}) :
                     null) :
               h('p', {class: 'state-step meta', text: 'Before any step.'}),
        step ? renderChanges(orderedChanges(step)) : null,
        r === n ?
            h('p', {class: 'state-violation'}, h('strong', {text: '✗ ' + t.property.name + ': '}),
              t.property.text ? h('code', {text: t.property.text}) : null,
              t.property.explanation ? ' ' + explanationText(t.property) : '') :
            null),
      renderState(
          state, step ? step.changes : [], t.colorOf,
          [t.initial].concat(t.trace.slice(0, Math.max(0, r - 1)).map((x) => x.after))));
  t.panel.setAttribute('data-step', String(r));
}

function onKey(e) {
  if (!activeTrace || e.altKey || e.ctrlKey || e.metaKey) return;
  const tag = (e.target && e.target.tagName) || '';
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
  const t = activeTrace;
  let r = t.selected;
  if (e.key === 'ArrowDown' || e.key === 'ArrowRight')
    r += 1;
  else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft')
    r -= 1;
  else if (e.key === 'Home')
    r = 0;
  else if (e.key === 'End')
    r = t.trace.length;
  else
    return;
  e.preventDefault();
  selectStep(t, r, {focus: true});
}

function main() {
  const root = document.getElementById('report');
  const d = JSON.parse(document.getElementById('lc-data').textContent);
  document.documentElement.dataset.verdict = verdictOf(d).cls;
  root.append(renderHeader(d));
  if (d.error_text) {
    root.append(
        h('section', {class: 'spec-error'}, h('h2', {text: 'Spec errors'}),
          h('pre', {text: d.error_text})));
    return;
  }
  const traceIds =
      d.properties.map(
          (p, i) => (p.status === 'violated' || p.status === 'inconclusive') && p.trace.length ?
              'trace-' + i :
              null);
  root.append(renderProperties(d, traceIds));
  // The diagram may take 62% of the trace's box, 75% when its lanes need it (report.css,
  // .diagram-wrap); without a layout (a page rendered for print only) it takes what it wants.
  const share = (f) => (root.clientWidth > 0 ? Math.floor(root.clientWidth * f) - 2 : Infinity);
  d.properties.forEach((p, i) => {
    if (traceIds[i]) root.append(renderTrace(d, p, traceIds[i], i, share(0.62), share(0.75)));
  });
  // Reachable properties that hold: a shortest trace to a state where each does (a witness),
  // after every counterexample, as sections of their own class (not '.trace').
  d.properties.forEach((p, i) => {
    if (p.status !== 'holds' || !p.witness || !p.witness.length) return;
    const w = Object.assign({}, p, {
      trace: p.witness, status: 'reached', expected: 'violated', as_expected: true,
      explanation: 'a witness: a shortest trace to a state where it holds', server: null,
      wait_for: [], trace_kind: '', faults: 0
    });
    const section = renderTrace(d, w, 'witness-' + i, i, share(0.62), share(0.75));
    section.classList.replace('trace', 'witness');
    root.append(section);
  });
  for (const t of traces) selectStep(t, t.trace.length, {});
  activeTrace = traces[0] || null;
  document.addEventListener('keydown', onKey);
}

main();
})();
