// How small could the built package get without dropping behaviour?
//
// `npm run size` measures what a user's bundler gets (esbuild, minified,
// gzipped, rxjs external). This script measures three floors below that, for
// the whole package and for each single-operator import:
//
//   mangled:   every property name minified too, public ones included. The
//              code no longer works; it is only a bound on what renaming
//              internal fields (or `#private` ones) could ever save.
//   +no text:  on top of that, every error message and description emptied:
//              the bound on what shorter messages could save.
//   +no checks: on top of that, built from a copy of lib/ without the checks
//              of arguments at the call (every `if (...) invalid(...)`, every
//              `if (...) throw new TypeError/RangeError(...)` outside a try
//              block, every checkX(...) call replaced by the value it
//              checks): the bound on what any shrinking of validation could
//              save. Checks of what a callback returned (inside try blocks)
//              stay: they are behaviour, not validation.
//
// What is left is logic. If a floor is over a budget, no renaming, message
// trimming or validation shrink meets that budget; only removing behaviour
// would.
//
// Run `npm run build` first. SIZE_FLOOR_KEEP=1 keeps the copy without checks
// (its path is printed) to read what was taken out.
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const entry = fileURLToPath(new URL('../dist/index.mjs', import.meta.url));
const imports = [
  ['the whole package', '*'],
  ...[
    'finalizeCleanup',
    'cancellable',
    'fromAbortable',
    'timeoutCancel',
    'shieldUntil',
    'groupCancel',
    'cancelScope',
    'switchMapCancel',
    'raceCancel',
    'firstValueFromCancel',
  ].map((name) => [name, `{ ${name} }`]),
];

// `what` is an import specifier from the package, or whole module text that
// bundles rxjs in (for the reference row). `from` is the module the package
// is imported from: the built one, or a copy of the sources.
async function bundle(what, mangle = false, from = entry) {
  const ours = what === '*' || what.startsWith('{');
  const contents = ours ? `export ${what} from ${JSON.stringify(from)};` : what;
  const result = await esbuild.build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    external: ours ? ['rxjs'] : [],
    write: false,
    ...(mangle ? { mangleProps: /./ } : {}),
  });
  return result.outputFiles[0].text;
}

// Replaces every template literal and every string of 12 or more characters
// (messages, descriptions; not 'function', 'object', 'complete' and other
// short tags the code compares against) with "".
function withoutText(code) {
  const file = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, true);
  const spans = [];
  const visit = (node) => {
    const isText =
      ts.isTemplateExpression(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      (ts.isStringLiteral(node) && node.text.length >= 12);
    if (isText) spans.push([node.getStart(file), node.end]);
    else ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const [start, end] of spans.reverse()) out = `${out.slice(0, start)}""${out.slice(end)}`;
  return out;
}

// A copy of lib/ without the argument checks at the call (see the top).
const CHECKS = new Map([
  ['checkDuration', 2],
  ['checkDate', 2],
  ['checkOptions', 1],
  ['checkChoice', 2],
]);
function withoutChecks(code) {
  const file = ts.createSourceFile('source.ts', code, ts.ScriptTarget.Latest, true);
  const edits = [];
  const isInvalid = (node) =>
    ts.isExpressionStatement(node) &&
    ts.isCallExpression(node.expression) &&
    ts.isIdentifier(node.expression.expression) &&
    (node.expression.expression.text === 'invalid' || CHECKS.has(node.expression.expression.text));
  const isArgumentThrow = (node) =>
    ts.isThrowStatement(node) &&
    ts.isNewExpression(node.expression) &&
    ts.isIdentifier(node.expression.expression) &&
    ['TypeError', 'RangeError'].includes(node.expression.expression.text);
  const only = (node) => (ts.isBlock(node) && node.statements.length === 1 ? node.statements[0] : node);
  const visit = (node, inTry) => {
    if (ts.isTryStatement(node)) {
      visit(node.tryBlock, true);
      if (node.catchClause) visit(node.catchClause, inTry);
      if (node.finallyBlock) visit(node.finallyBlock, inTry);
      return;
    }
    const check = (statement) => isInvalid(statement) || (!inTry && isArgumentThrow(statement));
    if (ts.isIfStatement(node) && node.elseStatement === undefined && check(only(node.thenStatement))) {
      // An empty statement, which may be the `else` of an `if` around it.
      edits.push([node.getStart(file), node.end, ';']);
      return;
    }
    if (isInvalid(node) && node.parent && ts.isBlock(node.parent)) {
      edits.push([node.getStart(file), node.end, '']);
      return;
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && CHECKS.has(node.expression.text)) {
      const checked = node.arguments[CHECKS.get(node.expression.text)];
      const text =
        node.expression.text === 'checkChoice'
          ? `((${checked.getText(file)}) ?? ${node.arguments[3].getText(file)}[0])`
          : `(${checked.getText(file)})`;
      edits.push([node.getStart(file), node.end, text]);
      return;
    }
    ts.forEachChild(node, (child) => visit(child, inTry));
  };
  visit(file, false);
  let out = code;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0]))
    out = `${out.slice(0, start)}${text}${out.slice(end)}`;
  return out;
}

function copyWithoutChecks() {
  const source = fileURLToPath(new URL('../lib', import.meta.url));
  const target = mkdtempSync(join(tmpdir(), 'size-floor-'));
  cpSync(source, target, { recursive: true });
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      // inputs.ts defines the checks, which go with their last caller.
      else if (name.endsWith('.ts') && name !== 'inputs.ts')
        writeFileSync(path, withoutChecks(readFileSync(path, 'utf8')));
    }
  };
  walk(target);
  // As in package.json: an unused module is left out of the bundle.
  writeFileSync(join(target, 'package.json'), '{ "sideEffects": false }\n');
  return target;
}

const kb = (code) => `${(gzipSync(code, { level: 9 }).length / 1000).toFixed(2)} KB`;

const unchecked = copyWithoutChecks();
const rows = [];
for (const [name, specifier] of imports) {
  const shipped = await bundle(specifier, false);
  const mangled = await bundle(specifier, true);
  const bare = await bundle(specifier, true, join(unchecked, 'index.ts'));
  rows.push({
    import: name,
    'as built': kb(shipped),
    mangled: kb(mangled),
    '+no text': kb(withoutText(mangled)),
    '+no checks': kb(withoutText(bare)),
  });
}
if (process.env.SIZE_FLOOR_KEEP) console.log(`kept ${unchecked}`);
else rmSync(unchecked, { recursive: true, force: true });
// For scale: what RxJS's own timeout adds to an app that already has the
// rxjs pieces this package leans on (Observable, Subscriber, from, the async
// scheduler).
const base = `export { Observable, Subscriber, Subscription, from, asyncScheduler } from 'rxjs';`;
const gz = async (contents) => gzipSync(await bundle(contents), { level: 9 }).length;
const added = (await gz(`${base} export { timeout } from 'rxjs';`)) - (await gz(base));
rows.push({ import: "rxjs's timeout, for scale", 'as built': `${(added / 1000).toFixed(2)} KB` });
console.table(rows);
