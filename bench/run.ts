// npm run bench                 both tables: every row in a shared process, then each in a fresh one
// npm run bench -- --shared     only the shared-process table (what an app sees)
// npm run bench -- --fresh      only the fresh-process table (the best case)
// npm run bench -- --only TEXT  only the rows whose name contains TEXT (and the A/A row)
// npm run bench -- --check      exits 1 if a ratio misses its target by more than the run's A/A noise
// npm run bench -- --json       also writes the figures to bench/results.json
// npm run bench -- --write      also writes the tables into docs/performance.md (between the bench markers)
// npm run bench -- --scaling    ns per child as N grows (bench/scaling.ts; --check applies)
//
// Every ratio compares two things measured in the same process, in
// interleaved rounds (see measure.ts): this package's operator and the RxJS
// code a user would write instead. Each row runs in a process of its own.
// "Shared": before the row is measured, every row's two sides have run in
// that process, as in an app that uses every operator (RxJS's call sites and
// the core's have seen every shape). "Fresh": nothing else has run there.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Figures } from './measure';
import { rows, type Row } from './rows';

type Mode = 'shared' | 'fresh';
type Metric = 'value' | 'cycle' | 'bytes';
const METRICS: readonly Metric[] = ['value', 'cycle', 'bytes'];

interface Result {
  readonly row: string;
  readonly ours: Figures & { readonly label: string };
  readonly pair: Figures & { readonly label: string };
  readonly ratio: Record<Metric, number | null>;
  readonly targets: Row['targets'];
}

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];
const AA = 0; // the A/A row: its spread is the run's noise

function measureRow(index: number, mode: Mode): { ours: Figures; pair: Figures } {
  const out = execFileSync(
    process.execPath,
    [...NODE_FLAGS, '-r', 'ts-node/register/transpile-only', join(__dirname, 'measure.ts'), String(index)],
    {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', BENCH_WARM_ALL: mode === 'shared' ? '1' : '0' },
    },
  );
  return JSON.parse(out) as { ours: Figures; pair: Figures };
}

const ratio = (ours: number | null, pair: number | null): number | null =>
  ours === null || pair === null || pair === 0 ? null : ours / pair;

function run(mode: Mode, selected: readonly number[]): Result[] {
  return selected.map((index) => {
    const row = rows[index];
    process.stderr.write(`${mode}: measuring ${row.name}…\n`);
    const { ours, pair } = measureRow(index, mode);
    return {
      row: row.name,
      ours: { label: row.ours.label, ...ours },
      pair: { label: row.pair.label, ...pair },
      ratio: {
        value: ratio(ours.value, pair.value),
        cycle: ratio(ours.cycle, pair.cycle),
        bytes: ratio(ours.bytes, pair.bytes),
      },
      targets: row.targets,
    };
  });
}

/** How far the A/A row's ratios are from 1, per metric: a target is missed only by more than that. */
function noiseOf(results: readonly Result[]): Record<Metric, number> {
  const aa = results.find((result) => result.row === rows[AA].name);
  const spread = (r: number | null | undefined) => (r === null || r === undefined ? 0 : Math.abs(r - 1));
  return { value: spread(aa?.ratio.value), cycle: spread(aa?.ratio.cycle), bytes: spread(aa?.ratio.bytes) };
}

/** Met, missed (beyond the noise) or no target, for one ratio. */
function verdict(r: number | null, target: number | undefined, noise: number): 'met' | 'missed' | null {
  if (target === undefined || r === null) return null;
  return r <= target * (1 + noise) ? 'met' : 'missed';
}

function table(mode: Mode, results: readonly Result[]): string {
  const noise = noiseOf(results);
  const ns = (n: number | null) => (n === null ? '—' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
  const x = (result: Result, metric: Metric) => {
    const r = result.ratio[metric];
    if (r === null) return '—';
    const target = result.targets[metric];
    const v = verdict(r, target, noise[metric]);
    return `${r.toFixed(2)}×${v === null ? '' : v === 'met' ? ' ✓' : ` ✗ (≤ ${target})`}`;
  };
  const lines = [
    mode === 'shared'
      ? '**Shared process** (every row measured after all rows have run in its process: what an app sees):'
      : '**Fresh process** (each row alone in its process: the best case):',
    '',
    '| row | ns/value ours · pair | ratio | ns/cycle ours · pair | ratio | bytes/cycle ours · pair | ratio |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.row} | ${ns(r.ours.value)} · ${ns(r.pair.value)} | ${x(r, 'value')} ` +
        `| ${ns(r.ours.cycle)} · ${ns(r.pair.cycle)} | ${x(r, 'cycle')} ` +
        `| ${ns(r.ours.bytes)} · ${ns(r.pair.bytes)} | ${x(r, 'bytes')} |`,
    );
  }
  lines.push(
    '',
    `A/A noise of this run: ${METRICS.map((m) => `${m} ±${(noise[m] * 100).toFixed(0)} %`).join(', ')}; ` +
      'a target (✓/✗) is missed only by more than that.',
  );
  return lines.join('\n');
}

function misses(results: readonly Result[]): string[] {
  const noise = noiseOf(results);
  return results.flatMap((r) =>
    METRICS.filter((m) => verdict(r.ratio[m], r.targets[m], noise[m]) === 'missed').map(
      (m) => `${r.row}: ${m} ${r.ratio[m]?.toFixed(2)}× > ${r.targets[m]}× (noise ±${(noise[m] * 100).toFixed(0)} %)`,
    ),
  );
}

function writeTables(text: string): void {
  const file = join(__dirname, '..', 'docs', 'performance.md');
  const page = readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from) throw new Error(`bench --write: docs/performance.md has no ${start} … ${end} block`);
  writeFileSync(file, `${page.slice(0, from + start.length)}\n${text}\n${page.slice(to)}`);
  console.error(`wrote the tables into ${file}`);
}

function main(): void {
  if (flag('--scaling')) {
    // (Its exit code is this one's: 1 when --check finds a slope too steep.)
    const child = spawnSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, 'scaling.ts'),
        ...args.filter((a) => a !== '--scaling'),
      ],
      { stdio: 'inherit', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } },
    );
    process.exitCode = child.status ?? 1;
    return;
  }
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const selected = rows.flatMap((row, index) =>
    index === AA || only === undefined || row.name.includes(only) ? [index] : [],
  );
  const modes: Mode[] = flag('--shared') ? ['shared'] : flag('--fresh') ? ['fresh'] : ['shared', 'fresh'];
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  const byMode = modes.map((mode) => ({ mode, results: run(mode, selected) }));
  const text = [
    `Measured on ${machine}, ${date}. ns per value on \`range(0, 1e5)\` (unless the row says otherwise); ns and bytes per`,
    'subscribe+cancel cycle; every ratio is ours ÷ pair, of medians over interleaved rounds in the same process.',
    '',
    ...byMode.map(({ mode, results }) => table(mode, results) + '\n'),
  ].join('\n');
  console.log(text);
  if (flag('--json')) {
    const file = join(__dirname, 'results.json');
    writeFileSync(file, JSON.stringify({ machine, date, modes: byMode }, null, 2) + '\n');
    console.error(`wrote ${file}`);
  }
  if (flag('--write')) writeTables(text);
  if (flag('--check')) {
    const missed = byMode.flatMap(({ mode, results }) => misses(results).map((m) => `${mode}: ${m}`));
    if (missed.length > 0) {
      console.error(`bench --check: ${missed.length} target(s) missed:\n  ${missed.join('\n  ')}`);
      process.exitCode = 1;
    }
  }
}

main();
