// Tokenises every spec of the repository (specs/ and tests/golden/) with the TextMate grammar,
// through VS Code's own engine (vscode-textmate on vscode-oniguruma), and fails on any token the
// grammar leaves without a scope of its own, and on any scope that no theme knows. A few snippets
// pin what the grammar means: SQL and Redis commands inside process bodies, and names that only
// look like SQL.
'use strict';

const fs = require('fs');
const path = require('path');

let vsctm;
let oniguruma;
try {
  vsctm = require('vscode-textmate');
  oniguruma = require('vscode-oniguruma');
} catch (e) {
  console.error(
      'editors/test: vscode-textmate is missing; run npm ci in editors/test ' +
      '(bash scripts/install-deps.sh --test does)');
  process.exit(1);
}

const root = path.resolve(__dirname, '..', '..');
const grammarPath = path.join(root, 'editors', 'lockcheck.tmLanguage.json');
// The top-level names of TextMate's scope conventions, which themes colour.
const KNOWN_ROOTS = new Set([
  'comment', 'constant', 'entity', 'invalid', 'keyword', 'markup', 'meta', 'punctuation', 'storage',
  'string', 'support', 'variable'
]);

async function loadGrammar() {
  const wasm =
      fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => scope === 'source.lcs' ?
        vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) :
        null,
  });
  return registry.loadGrammar('source.lcs');
}

// Every token of `text`: its line, column, text and scopes.
function tokenize(grammar, text) {
  const tokens = [];
  let stack = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      tokens.push({
        line: i + 1,
        column: t.startIndex + 1,
        text: line.substring(t.startIndex, t.endIndex),
        scopes: t.scopes
      });
    }
    stack = r.ruleStack;
  });
  return tokens;
}

// What is wrong with the tokens of `text`, one message a problem.
function problems(grammar, text, name) {
  const out = [];
  for (const t of tokenize(grammar, text)) {
    const where = `${name}:${t.line}:${t.column}`;
    for (const s of t.scopes) {
      if (s !== 'source.lcs' && !KNOWN_ROOTS.has(s.split('.')[0])) {
        out.push(`${where}: scope '${s}' is not one themes know`);
      }
    }
    const text = t.text.trim();
    if (text === '') continue;
    // A region (meta.*) says where a token is, not what it is.
    const own = t.scopes.filter((s) => s !== 'source.lcs' && !s.startsWith('meta.'));
    if (own.length === 0) {
      const column = t.column + t.text.length - t.text.trimStart().length;
      out.push(`${name}:${t.line}:${column}: '${text}' has no scope (${t.scopes.join(' ')})`);
    }
  }
  return out;
}

function specFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory())
      out.push(...specFiles(p));
    else if (entry.name.endsWith('.lcs'))
      out.push(p);
  }
  return out.sort();
}

// The innermost scope of the token `text` on `line` (1-based) of the snippet.
function scopeOf(grammar, snippet, line, text) {
  const t = tokenize(grammar, snippet).find((x) => x.line === line && x.text === text);
  return t ? t.scopes[t.scopes.length - 1] : `(no token '${text}' on line ${line})`;
}

const SNIPPET = [
  'process worker[1..2] {',                                                 // 1
  '  var start = 0;  var ok = false;',                                      // 2
  '  ok = cache: SET lock:$self NX EX 2;',                                  // 3
  '  SELECT available INTO ok FROM seats WHERE id = ${start} FOR UPDATE;',  // 4
  '  start = now();',                                                       // 5
  '  node[start]: DEL lock;',                                               // 6
  '}',                                                                      // 7
  'invariant i: (SELECT COUNT(*) FROM seats WHERE s = \'it\'\'s\') >= 0;',  // 8
  'reachable r: some w in worker: w.done and w.found;',                     // 9
].join('\n');

const EXPECTED = [
  [3, 'cache', 'entity.name.namespace.redis-node.lcs'],
  [3, 'SET', 'support.function.command.redis.lcs'],
  [3, 'lock:', 'string.unquoted.redis.lcs'],
  [3, 'self', 'variable.other.interpolated.lcs'],
  [3, 'NX', 'keyword.other.option.redis.lcs'],
  [3, '2', 'constant.numeric.integer.lcs'],
  [4, 'SELECT', 'keyword.other.dml.sql.lcs'],
  [4, 'INTO', 'keyword.other.sql.lcs'],
  [4, 'seats', 'variable.other.sql.lcs'],
  [4, 'UPDATE', 'keyword.other.dml.sql.lcs'],
  [4, '${', 'punctuation.section.interpolation.begin.lcs'],
  [4, 'start', 'variable.other.lcs'],
  [5, 'start', 'variable.other.lcs'],  // a local named like SQL's START is not a statement
  [5, 'now', 'support.function.now.lcs'],
  [5, '=', 'keyword.operator.assignment.lcs'],
  [4, '=', 'keyword.operator.comparison.sql.lcs'],
  [6, 'DEL', 'support.function.command.redis.lcs'],
  [8, 'COUNT', 'support.function.aggregate.sql.lcs'],
  [8, '\'\'', 'constant.character.escape.lcs'],
  [1, 'worker', 'entity.name.type.process.lcs'],
  [9, 'some', 'keyword.other.quantifier.lcs'],
  [9, 'found', 'variable.language.builtin.lcs'],
];

async function main() {
  const grammar = await loadGrammar();
  let failed = 0;
  let passed = 0;
  const check = (ok, message) => {
    if (ok) {
      ++passed;
    } else {
      ++failed;
      console.error(message);
    }
  };

  for (const [line, text, scope] of EXPECTED) {
    const got = scopeOf(grammar, SNIPPET, line, text);
    check(got === scope, `snippet line ${line}: '${text}' is ${got}, expected ${scope}`);
  }
  // The check itself must catch a token the grammar does not know.
  const stray = problems(grammar, 'var x = 1 @ 2;\n', 'stray.lcs');
  check(
      stray.length === 1 && stray[0] === 'stray.lcs:1:11: \'@\' has no scope (source.lcs)',
      `a stray '@' should be reported once, got: ${JSON.stringify(stray)}`);

  const files =
      [...specFiles(path.join(root, 'specs')), ...specFiles(path.join(root, 'tests', 'golden'))];
  check(files.length >= 20, `expected the spec library, found ${files.length} specs`);
  for (const file of files) {
    const found = problems(grammar, fs.readFileSync(file, 'utf8'), path.relative(root, file));
    for (const p of found) console.error(p);
    check(found.length === 0, `${path.relative(root, file)}: ${found.length} problems`);
  }
  console.log(`${files.length} specs tokenised`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
