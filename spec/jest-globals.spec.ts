import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Jest 30 cleans up what a test file left on its global object when the file
// ends ("soft", the default: wraps each property in a warning accessor; "on":
// deletes it). Work of this package that outlives the file (a timer, a
// cancel, a scope closed later) must still run, unsubscribe and report under
// every setting, and Jest must then exit by itself, with no warning.
// runtime-tests/jest-globals/ is that project; here it is run once per setting.

const root = join(__dirname, '..');
const config = join(root, 'runtime-tests/jest-globals/jest.config.ts');
/** Longer than the fixture's own work (300 ms) plus Jest's start, far shorter than a hang. */
const EXIT_WITHIN_MS = 60_000;

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly log: string[];
}

function runJest(globalsCleanup: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'jest-globals-'));
  const logFile = join(dir, 'log');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--config', config, '--runInBand', '--ci', '--colors=false'],
      {
        cwd: root,
        env: { ...process.env, GLOBALS_CLEANUP: globalsCleanup, JEST_GLOBALS_LOG: logFile },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`Jest with globalsCleanup '${globalsCleanup}' did not exit within ${EXIT_WITHIN_MS} ms:\n${output}`),
      );
    }, EXIT_WITHIN_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      let log: string[] = [];
      try {
        log = readFileSync(logFile, 'utf8').trim().split('\n');
      } catch {
        // Nothing was logged: the assertions below say so.
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output, log });
    });
  });
}

describe('under Jest 30, whatever its globalsCleanup setting', () => {
  it.each(['off', 'soft', 'on'])(
    "'%s': work left running past a test file ends, reports, and lets Jest exit with no warning",
    async (globalsCleanup) => {
      const { code, output, log } = await runJest(globalsCleanup);
      expect(output).toContain('Tests:       2 passed, 2 total');
      expect(code).toBe(0);
      expect(output).not.toMatch(/JEST-01|soft deleted|UnsubscriptionError|Maximum call stack|did not exit/);
      expect([...log].sort()).toEqual(
        [
          'aborted',
          'awaited cleanup late stop',
          'cancellable reported CancelledError',
          'completed cleanup',
          'scope closed',
          'unsubscribed cleanup',
        ].sort(),
      );
    },
    EXIT_WITHIN_MS + 5_000,
  );
});
