// Every TypeScript code block of the README, and every `## Example` of the
// TSDoc in lib/, type-checks against the package's sources: a snippet that
// names an export that does not exist, passes the wrong options or misuses a
// type fails here, so none can drift from the API. What a snippet leaves to
// the reader (`saveProgress()`, `stopButton`, `api`) is declared `any` for
// it: the first pass finds those names (TypeScript's "Cannot find name"),
// the second checks with them declared. Whether the snippets print what they
// claim is spec/readme.spec.ts's business. Run by `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');

/** The ```ts blocks of a Markdown text, each with the heading it sits under, and its section's. */
function markdownBlocks(text, file) {
  const blocks = [];
  let heading = '(top)';
  let section = '(top)';
  let open = null;
  text.split('\n').forEach((line, index) => {
    if (open === null && /^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    if (open === null && /^## /.test(line)) section = heading;
    if (open === null && /^```ts\s*$/.test(line)) open = { file, line: index + 1, heading, section, code: [] };
    else if (open !== null && /^```\s*$/.test(line)) {
      blocks.push({ ...open, code: open.code.join('\n') });
      open = null;
    } else if (open !== null) open.code.push(line);
  });
  return blocks;
}

/** The ```ts blocks of the `## Example` sections of a source file's doc comments. */
function tsdocBlocks(path) {
  const source = readFileSync(path, 'utf8');
  const blocks = [];
  for (const comment of source.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const text = comment[0]
      .split('\n')
      .map((line) => line.replace(/^\s*\/?\*+\/?\s?/, ''))
      .join('\n');
    const example = text.indexOf('## Example');
    if (example < 0) continue;
    const line = source.slice(0, comment.index).split('\n').length;
    for (const block of markdownBlocks(text.slice(example), relative(root, path))) {
      blocks.push({ ...block, line: line + block.line, heading: 'TSDoc example' });
    }
  }
  return blocks;
}

const lib = join(root, 'lib');
const sources = readdirSync(lib, { recursive: true })
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(lib, name));
const blocks = [
  ...markdownBlocks(readFileSync(join(root, 'README.md'), 'utf8'), 'README.md'),
  ...sources.flatMap(tsdocBlocks),
];

const options = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
  types: ['node', 'jest'],
  experimentalDecorators: true,
  // A callback's parameter is typed by the API it is passed to; one passed to
  // something the snippet leaves to the reader (declared any) is not.
  noImplicitAny: false,
  skipLibCheck: true,
  noEmit: true,
  baseUrl: root,
  paths: {
    'rxjs-cancel': ['lib/index.ts'],
    'rxjs-cancel/testing': ['lib/testing/index.ts'],
    'rxjs-cancel/angular': ['lib/angular/index.ts'],
  },
};

// The README's API section gives signatures, not code: each is checked as a
// declaration file that sees the types it names (RxJS's, the package's,
// Angular's), save those it declares itself.
const exported = ['lib/index.ts', 'lib/testing/index.ts', 'lib/angular/index.ts'].map((entry) => {
  const text = readFileSync(join(root, entry), 'utf8');
  const names = [...text.matchAll(/export \{([^}]*)\}/g)].flatMap((match) =>
    match[1].split(',').map((name) => name.replace(/^\s*type\s+/, '').trim()),
  );
  return { from: entry === 'lib/index.ts' ? 'rxjs-cancel' : `rxjs-cancel/${entry.split('/')[1]}`, names };
});
exported.push(
  {
    from: 'rxjs',
    names: ['MonoTypeOperatorFunction', 'ObservableInput', 'ObservableInputTuple', 'Observable', 'ObservedValueOf'],
  },
  { from: 'rxjs', names: ['Observer', 'OperatorFunction', 'SchedulerLike', 'Subscription'] },
  { from: '@angular/core', names: ['DestroyRef', 'Injector'] },
);
function signaturePrelude(code) {
  const own = new Set([...code.matchAll(/\b(?:function|interface|type|class)\s+(\w+)/g)].map((match) => match[1]));
  return exported
    .map(({ from, names }) => {
      const wanted = names.filter((name) => name !== '' && !own.has(name));
      return wanted.length === 0 ? '' : `import type { ${wanted.join(', ')} } from '${from}';`;
    })
    .join('\n');
}
const rxjsExports = new Set(Object.keys(createRequire(import.meta.url)('rxjs')));
/** Where a name a snippet uses without importing it comes from, if the package or RxJS exports it. */
function sourceOf(name) {
  const entry = exported.find(({ from, names }) => from.startsWith('rxjs-cancel') && names.includes(name));
  if (entry !== undefined) return entry.from;
  return rxjsExports.has(name) ? 'rxjs' : undefined;
}
const isSignature = (block) => block.file === 'README.md' && block.section === 'API';

const fileOf = (index) => join(root, '.snippets', `snippet-${index}${isSignature(blocks[index]) ? '.d.ts' : '.ts'}`);
function check(stubs) {
  const texts = new Map(
    blocks.map((block, index) => {
      // A name the package or RxJS exports is imported from there (a
      // snippet that leaves out its import is checked against the real
      // thing). Of the rest, a capitalised name is a class the reader has (a
      // service: `inject(Service)` gives an instance whose members are any);
      // any other, a value of any type.
      const declared = [...(stubs.get(index) ?? [])].map((name) => {
        const from = sourceOf(name);
        if (from !== undefined) return `import { ${name} } from '${from}';`;
        return /^[A-Z]/.test(name)
          ? `declare class ${name} { constructor(...args: any[]); [key: string]: any; }`
          : `declare const ${name}: any;`;
      });
      const prelude = isSignature(block) ? `${signaturePrelude(block.code)}\n` : '';
      // (A snippet is a module of its own: its names do not clash with another's.)
      return [fileOf(index), `${prelude}${block.code}\n${declared.join('\n')}\nexport {};\n`];
    }),
  );
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (name) => texts.get(name) ?? read(name);
  host.fileExists = (
    (exists) => (name) =>
      texts.has(name) || exists(name)
  )(host.fileExists.bind(host));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) =>
    texts.has(name) ? ts.createSourceFile(name, texts.get(name), language, true) : getSourceFile(name, language);
  const program = ts.createProgram([...texts.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).filter((diagnostic) => texts.has(diagnostic.file?.fileName));
}

// Pass 1: the names the snippets leave to the reader.
const stubs = new Map();
for (const diagnostic of check(new Map())) {
  // Cannot find name 'x' (and 'x', did you mean 'X'?); no value for the shorthand property 'x'.
  if (![2304, 2552, 18004].includes(diagnostic.code)) continue;
  const index = Number(/snippet-(\d+)\./.exec(diagnostic.file.fileName)[1]);
  const name = /'([^']+)'/.exec(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))[1];
  if (!stubs.has(index)) stubs.set(index, new Set());
  stubs.get(index).add(name);
}
// Pass 2: everything else is an error of the snippet.
const problems = check(stubs).map((diagnostic) => {
  const index = Number(/snippet-(\d+)\./.exec(diagnostic.file.fileName)[1]);
  const block = blocks[index];
  const { line: at } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  // (A signature's prelude is one line.)
  const line = isSignature(block) ? at - 1 : at;
  return `${block.file}:${block.line + line + 1} (${block.heading}): ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
});
if (problems.length > 0) {
  console.error(`check-snippets: ${problems.length} error(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const left = [...new Set([...stubs.values()].flatMap((names) => [...names]))]
  .filter((name) => sourceOf(name) === undefined)
  .sort();
console.log(`check-snippets: ${blocks.length} snippets type-check (left to the reader: ${left.join(', ')})`);
