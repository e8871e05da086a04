// How small could the built package get without dropping behaviour?
//
// `npm run size` measures what a user's bundler gets (esbuild, minified,
// gzipped, rxjs external). This script measures two floors below that, for
// the whole package and for each single-operator import:
//
//   mangled:   every property name minified too, public ones included. The
//              code no longer works; it is only a bound on what renaming
//              internal fields (or `#private` ones) could ever save.
//   +no text:  on top of that, every error message and description emptied:
//              the bound on what shorter messages could save.
//
// What is left is logic. If a floor is over a budget, no renaming or message
// trimming meets that budget; only removing behaviour would.
//
// Run `npm run build` first.
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

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
  ].map((name) => [name, `{ ${name} }`]),
];

// `what` is an import specifier from the package, or whole module text that
// bundles rxjs in (for the reference row).
async function bundle(what, mangle = false) {
  const ours = what === '*' || what.startsWith('{');
  const contents = ours ? `export ${what} from ${JSON.stringify(entry)};` : what;
  const result = await esbuild.build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
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

const kb = (code) => `${(gzipSync(code, { level: 9 }).length / 1000).toFixed(2)} KB`;

const rows = [];
for (const [name, specifier] of imports) {
  const shipped = await bundle(specifier, false);
  const mangled = await bundle(specifier, true);
  rows.push({ import: name, 'as built': kb(shipped), mangled: kb(mangled), '+no text': kb(withoutText(mangled)) });
}
// For scale: what RxJS's own timeout adds to an app that already has the
// rxjs pieces this package leans on (Observable, Subscriber, from, the async
// scheduler).
const base = `export { Observable, Subscriber, Subscription, from, asyncScheduler } from 'rxjs';`;
const gz = async (contents) => gzipSync(await bundle(contents), { level: 9 }).length;
const added = (await gz(`${base} export { timeout } from 'rxjs';`)) - (await gz(base));
rows.push({ import: "rxjs's timeout, for scale", 'as built': `${(added / 1000).toFixed(2)} KB` });
console.table(rows);
