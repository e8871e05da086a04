import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Observable, type ObservableInput, type Observer, tap, timer } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { runAsync } from '../lib/testing';
import type { Exit } from '../lib';
import { normalize } from './errors';
import { recording, type Recorded } from './marbles';

/**
 * Marble diagrams drawn from what a marble test recorded: every circle, bar
 * and cross in docs/diagrams/*.svg is a notification or a subscription that
 * the test saw in virtual time, and the test checks what it recorded against
 * the marble strings it states. A diagram cannot drift from the behaviour: a
 * changed behaviour fails the test, and a changed picture fails the
 * comparison with the committed SVG (`npm run diagrams` writes them again).
 */

/** One row of a diagram. */
export type Row =
  | {
      readonly kind: 'stream';
      readonly label: string;
      readonly events: readonly Recorded[];
      /** The subscriptions: [from, to], `to` null while still subscribed at the end. */
      readonly subscriptions: readonly (readonly [number, number | null])[];
    }
  | {
      readonly kind: 'span';
      readonly label: string;
      readonly spans: readonly (readonly [number, number])[];
      readonly note: string;
    };

export interface Diagram {
  readonly name: string;
  /** The code the diagram is of, e.g. `source.pipe(cancellable(trigger))`. */
  readonly title: string;
  readonly rows: readonly Row[];
  /** One line under the diagram: what to notice. */
  readonly caption: string;
}

/** What a diagram's build function gets: run mode's helpers, the frame, and recorders for its rows. */
export interface DiagramHelpers extends RunHelpers {
  readonly now: () => number;
  /** `source`, recorded as a row: what it delivered, and when it was subscribed. */
  readonly watch: <T>(label: string, source: ObservableInput<T> & Observable<T>) => Observable<T>;
  /** A cleanup that takes `frames` frames (an Observable, so virtual), recorded as a span row. */
  readonly cleanup: (label: string, frames: number) => (exit: Exit) => Observable<unknown>;
}

interface Expected {
  readonly marbles: string;
  readonly values?: Record<string, unknown>;
  readonly error?: unknown;
  /** The subscriptions of watched rows, by label, as `expectSubscriptions` marbles (`'^--!'`). */
  readonly subscriptions?: Readonly<Record<string, string>>;
}

/**
 * Runs `build` in virtual time, subscribes to the Observable it returns (the
 * result row), checks the result against `expected`, and returns the diagram.
 */
export async function recordDiagram(
  name: string,
  title: string,
  caption: string,
  build: (helpers: DiagramHelpers) => Observable<unknown>,
  expected: Expected,
  /** The rows' labels in the order to draw them (default: the order they were made in); `result` is last. */
  order?: readonly string[],
): Promise<Diagram> {
  const scheduler = new TestScheduler((actual, wanted) => {
    expect(normalize(actual)).toEqual(normalize(wanted));
  });
  const rows: Row[] = [];
  const result: Recorded[] = [];
  let subscribed: [number, number | null] = [0, null];
  let wanted: Recorded[] = [];
  let wantedSubscriptions: [string, [number, number | null]][] = [];
  // runAsync, so that a Promise a diagram waits for (a scope's close())
  // settles in its frame; Observable cleanups take their frames as in run().
  await runAsync(scheduler, async (helpers) => {
    // (Parsed in run mode, where a frame is one character.)
    wantedSubscriptions = Object.entries(expected.subscriptions ?? {}).map(([label, marbles]) => [
      label,
      subscriptionOf(marbles),
    ]);
    wanted = TestScheduler.parseMarbles(expected.marbles, expected.values, expected.error, true, true).map(
      ({ frame, notification }): Recorded => [
        frame,
        notification.kind,
        notification.kind === 'N' ? notification.value : notification.kind === 'E' ? notification.error : undefined,
      ],
    );
    const now = (): number => scheduler.now();
    const watch = <T>(label: string, source: Observable<T>): Observable<T> => {
      const events: Recorded[] = [];
      const subscriptions: [number, number | null][] = [];
      rows.push({ kind: 'stream', label, events, subscriptions });
      const observer: Partial<Observer<T>> & { subscribe: () => void; unsubscribe: () => void; finalize: () => void } =
        {
          ...recording(now, events),
          subscribe: () => void subscriptions.push([now(), null]),
          unsubscribe: () => {},
          finalize: () => {
            const last = subscriptions[subscriptions.length - 1];
            if (last[1] === null) last[1] = now();
          },
        };
      return source.pipe(tap(observer));
    };
    const cleanup = (label: string, frames: number) => {
      const spans: [number, number][] = [];
      rows.push({ kind: 'span', label, spans, note: `${frames} frame${frames === 1 ? '' : 's'}` });
      return (): Observable<unknown> => {
        spans.push([now(), now() + frames]);
        return timer(frames);
      };
    };
    const output = build({ ...helpers, now, watch, cleanup });
    subscribed = [now(), null];
    const subscription = output.subscribe(recording(now, result));
    subscription.add(() => (subscribed[1] = now()));
    await helpers.flush();
  });
  const ended = result.some(([, kind]) => kind !== 'N');
  rows.push({
    kind: 'stream',
    label: 'result',
    events: result,
    subscriptions: [[subscribed[0], ended ? subscribed[1] : null]],
  });
  expect(normalize(result)).toEqual(normalize(wanted));
  for (const [label, subscription] of wantedSubscriptions) {
    const row = rows.find((each) => each.label === label);
    if (row?.kind !== 'stream') throw new Error(`no watched row ${label}`);
    expect({ label, subscriptions: row.subscriptions }).toEqual({ label, subscriptions: [subscription] });
  }
  if (order !== undefined) rows.sort((a, b) => rank(order, a.label) - rank(order, b.label));
  return { name, title, rows, caption };
}

/** An `expectSubscriptions` marble as [from, to], `to` null when never unsubscribed. */
function subscriptionOf(marbles: string): [number, number | null] {
  const log = TestScheduler.parseMarblesAsSubscriptions(marbles, true);
  return [log.subscribedFrame, log.unsubscribedFrame === Infinity ? null : log.unsubscribedFrame];
}

function rank(order: readonly string[], label: string): number {
  const at = order.indexOf(label);
  return at < 0 ? order.length : at;
}

// The drawing. Sizes in SVG user units.
const LABEL = 150;
const FRAME = 30;
const ROW = 46;
const TOP = 58;
const RADIUS = 11;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function label(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'symbol') return value.description ?? 'symbol';
  if (value instanceof Error) return value.name;
  return String(value);
}

/** The start of an SVG document of either kind: its size, a white page, and its title. */
function opening(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="13">`,
    `<title>${escape(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="15" font-weight="bold" fill="#1f2328">${escape(title)}</text>`,
  ];
}

/** The diagram as an SVG document: deterministic, so the committed file can be compared. */
export function renderSvg(diagram: Diagram): string {
  const lastFrame = Math.max(
    4,
    ...diagram.rows.flatMap((row) =>
      row.kind === 'stream'
        ? [...row.events.map(([frame]) => frame), ...row.subscriptions.flatMap(([from, to]) => [from, to ?? 0])]
        : row.spans.flatMap(([from, to]) => [from, to]),
    ),
  );
  const frames = lastFrame + 3;
  // Wide enough for the frames, an error's name after the last one, the title and the caption.
  const width = Math.ceil(
    Math.max(LABEL + frames * FRAME + 110, 24 + diagram.title.length * 9.2, 24 + diagram.caption.length * 7.4),
  );
  const height = TOP + diagram.rows.length * ROW + 34;
  const x = (frame: number): number => LABEL + frame * FRAME + FRAME / 2;
  const parts = opening(width, height, diagram.title);
  // The frame ruler.
  for (let frame = 0; frame < frames; frame++) {
    parts.push(
      `<text x="${x(frame)}" y="${TOP - 14}" text-anchor="middle" fill="#8c959f" font-size="10">${frame}</text>`,
    );
  }
  diagram.rows.forEach((row, index) => {
    const y = TOP + index * ROW + ROW / 2;
    parts.push(`<text x="12" y="${y + 4}" fill="#1f2328">${escape(row.label)}</text>`);
    if (row.kind === 'span') {
      for (const [from, to] of row.spans) {
        parts.push(
          `<rect x="${x(from)}" y="${y - 8}" width="${Math.max(2, (to - from) * FRAME)}" height="16" rx="4" fill="#d4a72c" fill-opacity="0.35" stroke="#9a6700"/>`,
          `<text x="${x(from) + 4}" y="${y + 22}" fill="#9a6700" font-size="10">${escape(row.note)}</text>`,
        );
      }
      return;
    }
    for (const [from, to] of row.subscriptions) {
      const end = to === null ? x(frames - 1) + FRAME / 2 : x(to);
      parts.push(`<line x1="${x(from)}" y1="${y}" x2="${end}" y2="${y}" stroke="#57606a" stroke-width="2"/>`);
      if (to === null) parts.push(`<path d="M${end} ${y} l-8 -5 v10 z" fill="#57606a"/>`);
      else
        parts.push(
          `<line x1="${x(to)}" y1="${y - 7}" x2="${x(to)}" y2="${y + 7}" stroke="#57606a" stroke-width="2" stroke-dasharray="2 2"/>`,
        );
    }
    for (const [frame, kind, value] of row.events) {
      // An end in the frame of a value (`(b|)`) is drawn just after its circle.
      const shared = kind !== 'N' && row.events.some(([other, otherKind]) => other === frame && otherKind === 'N');
      const cx = x(frame) + (shared ? RADIUS + 5 : 0);
      if (kind === 'N') {
        parts.push(
          `<circle cx="${cx}" cy="${y}" r="${RADIUS}" fill="#ddf4ff" stroke="#0969da" stroke-width="2"/>`,
          `<text x="${cx}" y="${y + 4}" text-anchor="middle" fill="#0a3069">${escape(label(value).slice(0, 3))}</text>`,
        );
      } else if (kind === 'C') {
        parts.push(`<line x1="${cx}" y1="${y - 12}" x2="${cx}" y2="${y + 12}" stroke="#1f2328" stroke-width="3"/>`);
      } else {
        parts.push(
          `<path d="M${cx - 8} ${y - 8} L${cx + 8} ${y + 8} M${cx + 8} ${y - 8} L${cx - 8} ${y + 8}" stroke="#cf222e" stroke-width="3"/>`,
          `<text x="${cx + 12}" y="${y + 22}" fill="#cf222e" font-size="10">${escape(label(value))}</text>`,
        );
      }
    }
  });
  parts.push(
    `<text x="12" y="${height - 12}" fill="#57606a" font-size="12">${escape(diagram.caption)}</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** An asyncio timeline as one of the examples printed it in virtual time: [units since start, event]. */
export interface Timeline {
  /** `asyncio/<the reference's function name>`. */
  readonly name: string;
  readonly title: string;
  readonly events: readonly (readonly [units: number, event: string])[];
}

/**
 * A timeline as an SVG document: one row per event, in the order printed,
 * its dot at its time on the units axis, so what happens together lines up.
 */
export function renderTimelineSvg(timeline: Timeline): string {
  const UNIT = 56;
  const TEXT = 7.4;
  const labelWidth = Math.ceil(24 + Math.max(...timeline.events.map(([, event]) => event.length)) * TEXT);
  const units = Math.max(1, ...timeline.events.map(([at]) => Math.ceil(at))) + 1;
  const width = Math.ceil(Math.max(labelWidth + units * UNIT + 40, 24 + timeline.title.length * 9.2));
  const rowHeight = 26;
  const top = 58;
  const height = top + timeline.events.length * rowHeight + 20;
  const x = (at: number): number => labelWidth + 20 + at * UNIT;
  const parts = opening(width, height, timeline.title);
  for (let unit = 0; unit < units; unit++) {
    parts.push(
      `<line x1="${x(unit)}" y1="${top - 8}" x2="${x(unit)}" y2="${height - 14}" stroke="#d0d7de" stroke-dasharray="3 3"/>`,
      `<text x="${x(unit)}" y="${top - 14}" text-anchor="middle" fill="#8c959f" font-size="10">t=${unit}</text>`,
    );
  }
  timeline.events.forEach(([at, event], index) => {
    const y = top + index * rowHeight + rowHeight / 2;
    parts.push(
      `<text x="12" y="${y + 4}" fill="#1f2328">${escape(event)}</text>`,
      `<line x1="${x(0)}" y1="${y}" x2="${x(at)}" y2="${y}" stroke="#d0d7de"/>`,
      `<circle cx="${x(at)}" cy="${y}" r="7" fill="#ddf4ff" stroke="#0969da" stroke-width="2"/>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

const directory = join(__dirname, '..', 'docs', 'diagrams');

/**
 * Writes the diagram's SVG under `DIAGRAMS=write` (`npm run diagrams`);
 * otherwise checks that the committed one is what the recording draws.
 */
export function checkDiagram(diagram: Diagram | Timeline): void {
  const file = join(directory, `${diagram.name}.svg`);
  const svg = 'rows' in diagram ? renderSvg(diagram) : renderTimelineSvg(diagram);
  if (process.env['DIAGRAMS'] === 'write') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, svg);
    return;
  }
  if (!existsSync(file)) throw new Error(`docs/diagrams/${diagram.name}.svg is missing: run npm run diagrams`);
  if (readFileSync(file, 'utf8') !== svg) {
    throw new Error(`docs/diagrams/${diagram.name}.svg is not what the test recorded: run npm run diagrams`);
  }
}
