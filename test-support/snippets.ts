import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as rxjs from 'rxjs';
import * as rxjsTesting from 'rxjs/testing';
import ts from 'typescript';
import * as rxjsCancel from '../lib';
import * as rxjsCancelTesting from '../lib/testing';

/**
 * The code examples of the README and of the TSDoc, taken from where they
 * are written and run as they are: a test of one cannot drift from the text
 * a reader copies. (scripts/check-snippets.mjs type-checks them all.)
 */

const root = join(__dirname, '..');

export interface Snippet {
  /** Where it is: `README.md` or a source file. */
  readonly file: string;
  /** The heading it sits under (the README), or the exported name whose doc holds it. */
  readonly place: string;
  readonly code: string;
}

function blocksOf(markdown: string, file: string, placeOf: (heading: string) => string): Snippet[] {
  const snippets: Snippet[] = [];
  let heading = '(top)';
  let open: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (open === null && /^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    if (open === null && /^```ts\s*$/.test(line)) open = [];
    else if (open !== null && /^```\s*$/.test(line)) {
      snippets.push({ file, place: placeOf(heading), code: open.join('\n') });
      open = null;
    } else if (open !== null) open.push(line);
  }
  return snippets;
}

/** Every ```ts block of the README, under its heading. */
export function readmeSnippets(): Snippet[] {
  return blocksOf(readFileSync(join(root, 'README.md'), 'utf8'), 'README.md', (heading) => heading);
}

/** The ```ts blocks of the `## Example` of the doc comment right above `export … name` in `file`. */
export function tsdocSnippets(file: string, name: string): Snippet[] {
  const source = readFileSync(join(root, file), 'utf8');
  const declaration = new RegExp(`export (?:function|class|const) ${name}\\b`).exec(source);
  if (declaration === null) throw new Error(`${file} exports no ${name}`);
  const before = source.slice(0, declaration.index);
  const comment = before.slice(before.lastIndexOf('/**'));
  const text = comment
    .split('\n')
    .map((line) => line.replace(/^\s*\/?\*+\/?\s?/, ''))
    .join('\n');
  const example = text.indexOf('## Example');
  return example < 0 ? [] : blocksOf(text.slice(example), file, () => name);
}

/** The one snippet under `place`, or the `index`th. */
export function snippet(snippets: Snippet[], place: string, index = 0): Snippet {
  const found = snippets.filter((each) => each.place === place);
  if (found[index] === undefined) throw new Error(`no snippet ${index} under ${place}`);
  return found[index];
}

/** What a snippet printed with console.log, one line per call, as Node prints the values. */
export type Printed = string[];

/**
 * Runs a snippet: TypeScript compiled to CommonJS, its imports of `rxjs`,
 * `rxjs/testing` and `rxjs-cancel` (and its entries) given the modules this
 * test uses, the names it leaves to the reader given in `given`, and its
 * `console.log` written to the returned lines. Top-level `await` works; the
 * returned Promise settles when the snippet's code has run to its end (not
 * when what it started has).
 */
export function runSnippet(
  code: string,
  given: Record<string, unknown> = {},
): { printed: Printed; done: Promise<void> } {
  const printed: Printed = [];
  const js = ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      esModuleInterop: true,
    },
  }).outputText;
  const modules: Record<string, unknown> = {
    rxjs,
    'rxjs/testing': rxjsTesting,
    'rxjs-cancel': rxjsCancel,
    'rxjs-cancel/testing': rxjsCancelTesting,
  };
  const load = (id: string): unknown => {
    if (!(id in modules)) throw new Error(`a snippet imports ${id}, which runSnippet does not provide`);
    return modules[id];
  };
  const console = {
    log: (...values: unknown[]) => printed.push(values.map((value) => show(value, true)).join(' ')),
  };
  const names = Object.keys(given);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the snippet, compiled above, is the code under test
  const run = new Function('require', 'exports', 'console', ...names, `return (async () => {\n${js}\n})();`) as (
    ...args: unknown[]
  ) => Promise<void>;
  const done = run(load, {}, console, ...names.map((name) => given[name]));
  return { printed, done };
}

/**
 * What a snippet says in its comments (`// 0, 1, 2, cleanup after complete`),
 * joined into one text: where it claims what it prints.
 */
export function claims(code: string): string {
  return [...code.matchAll(/\/\/ ?(.*)$/gm)].map((match) => match[1]).join(' ');
}

/**
 * A value as the README writes what a snippet prints: a string as it is (in
 * a structure, quoted), an error as `Name: message` (no stack), arrays and
 * plain objects as JavaScript literals.
 */
function show(value: unknown, top = false): string {
  if (typeof value === 'string') return top ? value : `'${value}'`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) return `[${value.map((each) => show(each)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value)
      .map(([key, each]) => `${key}: ${show(each)}`)
      .join(', ')} }`;
  }
  return typeof value === 'symbol' ? value.toString() : String(value);
}
