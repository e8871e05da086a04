// npm run bench            prints the table
// npm run bench -- --json  writes the same figures to bench/results.json
// npm run bench -- --warm  each row measured after every row has run in its
//                          process: what an app that uses every operator sees
//
// Each row runs in a process of its own, so that the shapes measured for one
// row do not make RxJS's call sites polymorphic for the next (unless --warm
// asks for exactly that); inside it, this package's operator and its RxJS
// pair are measured in interleaved rounds and compared as ratios of medians
// (see measure.ts).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Figures } from './measure';
import { rows } from './rows';

interface Result {
  readonly row: string;
  readonly ours: Figures & { readonly label: string };
  readonly pair: Figures & { readonly label: string };
  readonly ratio: { readonly value: number | null; readonly cycle: number; readonly bytes: number | null };
  readonly targets: (typeof rows)[number]['targets'];
  readonly valueAgainstMap: boolean;
  readonly met: boolean;
}

const WARM = process.argv.includes('--warm');
const NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];

function measureRow(index: number): { ours: Figures; pair: Figures } {
  const out = execFileSync(
    process.execPath,
    [...NODE_FLAGS, '-r', 'ts-node/register/transpile-only', join(__dirname, 'measure.ts'), String(index)],
    {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', ...(WARM ? { BENCH_WARM_ALL: '1' } : {}) },
    },
  );
  return JSON.parse(out) as { ours: Figures; pair: Figures };
}

const ratio = (ours: number | null, pair: number | null): number | null =>
  ours === null || pair === null || pair === 0 ? null : ours / pair;

function main(json: boolean): void {
  const results: Result[] = [];
  let mapPerValue: number | null = null;
  for (const [index, row] of rows.entries()) {
    process.stderr.write(`measuring ${row.name}…\n`);
    const { ours, pair } = measureRow(index);
    if (row.name.startsWith('map(x => x)')) mapPerValue = ours.value;
    const valueRatio = ratio(ours.value, row.valueAgainstMap ? mapPerValue : pair.value);
    const result: Result = {
      row: row.name,
      ours: { label: row.ours.label, ...ours },
      pair: { label: row.pair.label, ...pair },
      ratio: { value: valueRatio, cycle: ratio(ours.cycle, pair.cycle)!, bytes: ratio(ours.bytes, pair.bytes) },
      targets: row.targets,
      valueAgainstMap: row.valueAgainstMap ?? false,
      met:
        (row.targets.value === undefined || (valueRatio !== null && valueRatio <= row.targets.value)) &&
        (row.targets.cycle === undefined || ours.cycle / pair.cycle <= row.targets.cycle) &&
        (row.targets.bytes === undefined || ours.bytes <= row.targets.bytes * Math.max(pair.bytes, 1)),
    };
    results.push(result);
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`;
  if (json) {
    const file = join(__dirname, 'results.json');
    writeFileSync(file, JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2) + '\n');
    console.log(`wrote ${file}`);
  }
  console.log(table(results, machine));
}

function table(results: readonly Result[], machine: string): string {
  const ns = (n: number | null) => (n === null ? '—' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
  const x = (r: number | null, target: number | undefined) =>
    r === null ? '—' : `${r.toFixed(2)}×${target === undefined ? '' : r <= target ? ' ✓' : ` ✗ (≤ ${target})`}`;
  const lines = [
    `Measured on ${machine}, ${WARM ? 'every row after all rows have run in its process (--warm)' : 'each row in a fresh process'}.`,
    'ns per value on range(0, 1e5); ns and bytes per subscribe+cancel cycle;',
    'ratios are ours ÷ pair, of medians over interleaved rounds (per value against map(x => x) where marked *).',
    '',
    '| row | ns/value ours · pair | ratio | ns/cycle ours · pair | ratio | bytes/cycle ours · pair | ratio |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.row} | ${ns(r.ours.value)} · ${ns(r.pair.value)} | ${x(r.ratio.value, r.targets.value)}${r.valueAgainstMap ? ' *' : ''} ` +
        `| ${ns(r.ours.cycle)} · ${ns(r.pair.cycle)} | ${x(r.ratio.cycle, r.targets.cycle)} ` +
        `| ${r.ours.bytes.toFixed(0)} · ${r.pair.bytes.toFixed(0)} | ${x(r.ratio.bytes, r.targets.bytes)} |`,
    );
  }
  return lines.join('\n');
}

main(process.argv.includes('--json'));
