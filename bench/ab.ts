// npm run bench:ab -- <base>                  compares this checkout with git ref <base>
// npm run bench:ab -- <base> --runs 5 --only group
//
// Did a change make the package slower? One run of the table cannot say: on a
// shared machine a row's ratio moves by more than most changes do. So this
// checks out <base> beside this checkout (a git worktree sharing this
// node_modules) and measures every row the two have in common, in each tree's
// own bench/measure.ts, alternating base and head row by row, `--runs` times.
// Each figure is already a same-process ratio against RxJS (see measure.ts);
// a row has moved only if its head ratios and base ratios do not overlap and
// their medians differ by more than the A/A row's own spread in this run.
//
// A ratio can move because the RxJS pair moved: the pair shares RxJS's call
// sites with this package's operator in one process, so what the operator
// teaches the JIT there speeds or slows the pair. The table therefore also
// shows each side's own ns per cycle, base against head.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Figures } from './measure';

const NODE_FLAGS = [
  '--expose-gc',
  '--min-semi-space-size=64',
  '--max-semi-space-size=64',
  '-r',
  'ts-node/register/transpile-only',
];
const HEAD = resolve(__dirname, '..');
const AA_ROW = 'A/A';

interface Options {
  readonly base: string;
  readonly runs: number;
  readonly only: string | null;
}

function parse(argv: readonly string[]): Options {
  const usage = 'usage: npm run bench:ab -- <base-ref> [--runs N] [--only text]';
  let base: string | null = null;
  let runs = 3;
  let only: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') runs = Number(argv[++i]);
    else if (arg === '--only') only = argv[++i] ?? null;
    else if (arg.startsWith('--') || base !== null) throw new Error(`bench/ab.ts: unknown argument ${arg}\n${usage}`);
    else base = arg;
  }
  if (base === null) throw new Error(`bench/ab.ts: no base ref\n${usage}`);
  if (!Number.isInteger(runs) || runs < 2) throw new Error('bench/ab.ts: --runs must be a whole number of at least 2');
  return { base, runs, only };
}

const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' };

function git(args: readonly string[]): string {
  return execFileSync('git', args, { cwd: HEAD, encoding: 'utf8' }).trim();
}

function rowNames(tree: string): string[] {
  const script = "process.stdout.write(JSON.stringify(require('./bench/rows').rows.map((row) => row.name)))";
  return JSON.parse(
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: tree,
      encoding: 'utf8',
      env,
    }),
  ) as string[];
}

interface Sample {
  readonly cycle: number;
  readonly value: number | null;
  readonly oursNs: number;
  readonly pairNs: number;
}

function measureRow(tree: string, index: number): Sample {
  const out = execFileSync(process.execPath, [...NODE_FLAGS, join(tree, 'bench', 'measure.ts'), String(index)], {
    cwd: tree,
    encoding: 'utf8',
    env,
  });
  const { ours, pair } = JSON.parse(out) as { ours: Figures; pair: Figures };
  return {
    cycle: ours.cycle / pair.cycle,
    value: ours.value === null || pair.value === null ? null : ours.value / pair.value,
    oursNs: ours.cycle,
    pairNs: pair.cycle,
  };
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

interface Series {
  readonly base: number[];
  readonly head: number[];
}

function verdict({ base, head }: Series, noise: number): string {
  const change = median(head) / median(base);
  if (change > 1 + noise && Math.min(...head) > Math.max(...base)) return `slower ×${change.toFixed(2)}`;
  if (change < 1 - noise && Math.max(...head) < Math.min(...base)) return `faster ×${change.toFixed(2)}`;
  return `same (×${change.toFixed(2)})`;
}

function main(): void {
  const options = parse(process.argv.slice(2));
  const commit = git(['rev-parse', '--verify', `${options.base}^{commit}`]);
  const scratch = mkdtempSync(join(tmpdir(), 'rxjs-cancel-ab-'));
  const baseTree = join(scratch, 'base');
  git(['worktree', 'add', '--detach', baseTree, commit]);
  try {
    symlinkSync(join(HEAD, 'node_modules'), join(baseTree, 'node_modules'), 'dir');
    const baseNames = rowNames(baseTree);
    const headNames = rowNames(HEAD);
    const names = headNames.filter(
      (name) =>
        baseNames.includes(name) && (name.startsWith(AA_ROW) || options.only === null || name.includes(options.only)),
    );
    const series = new Map<string, { cycle: Series; value: Series; ours: Series; pair: Series }>(
      names.map((name) => [
        name,
        {
          cycle: { base: [], head: [] },
          value: { base: [], head: [] },
          ours: { base: [], head: [] },
          pair: { base: [], head: [] },
        },
      ]),
    );
    for (let run = 0; run < options.runs; run++) {
      for (const name of names) {
        process.stderr.write(`run ${run + 1}/${options.runs}: ${name}…\n`);
        // Alternate which tree goes first, so neither always has the cooler machine.
        const order = (run + names.indexOf(name)) % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const);
        for (const side of order) {
          const tree = side === 'base' ? baseTree : HEAD;
          const sample = measureRow(tree, (side === 'base' ? baseNames : headNames).indexOf(name));
          const entry = series.get(name)!;
          entry.cycle[side].push(sample.cycle);
          entry.ours[side].push(sample.oursNs);
          entry.pair[side].push(sample.pairNs);
          if (sample.value !== null) entry.value[side].push(sample.value);
        }
      }
    }
    // The noise is what the A/A row moved in this run, and never below 3 % (a
    // base from before the A/A row existed has only that floor).
    const aaName = names.find((name) => name.startsWith(AA_ROW));
    const aa = aaName === undefined ? null : series.get(aaName)!;
    const spread = aa === null ? [] : [...aa.cycle.base, ...aa.cycle.head, ...aa.value.base, ...aa.value.head];
    const noise = Math.max(0.03, ...spread.map((ratio) => Math.abs(ratio - 1)));
    const show = (xs: readonly number[]) =>
      xs.length === 0 ? '—' : `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
    const lines = [
      `base ${options.base} (${commit.slice(0, 7)}) against this checkout, ${options.runs} runs per row, alternating.`,
      `Ratios are ours ÷ RxJS pair in one process, median (min–max) over runs; the A/A row puts the noise at ±${(noise * 100).toFixed(0)} %.`,
      '',
      '| row | cycle: base | head | change | ns/cycle ours, pair: base → head | value: base | head | change |',
      '|---|---|---|---|---|---|---|---|',
    ];
    const ns = (xs: readonly number[]) => median(xs).toFixed(0);
    for (const name of names) {
      const { cycle, value, ours, pair } = series.get(name)!;
      lines.push(
        `| ${name} | ${show(cycle.base)} | ${show(cycle.head)} | ${verdict(cycle, noise)} ` +
          `| ${ns(ours.base)} → ${ns(ours.head)}, ${ns(pair.base)} → ${ns(pair.head)} ` +
          `| ${show(value.base)} | ${show(value.head)} | ${value.base.length === 0 ? '—' : verdict(value, noise)} |`,
      );
    }
    console.log(lines.join('\n'));
  } finally {
    git(['worktree', 'remove', '--force', baseTree]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
