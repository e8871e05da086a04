"""Re-tests the survivors of a Stryker run against the current code.

    python3 scripts/mutation-rerun.py REPORT.json [path-filter] >> results.txt

For each survived or no-coverage mutant in Stryker's JSON report whose
original line still exists exactly once in the current file, the mutant is
applied at its columns, the suite Stryker runs (jest.stryker.config.ts) runs
with --bail, and the file is restored. Prints one line per mutant: KILLED,
SURVIVED, TIMEOUT, or SKIP (the line is gone, or the mutant spans lines).
Much slower per mutant than Stryker (no per-test coverage), but it needs no
new run to say which survivors later tests kill. See docs/mutation.md.
"""
import json
import shutil
import subprocess
import sys

report = json.load(open(sys.argv[1]))
only = sys.argv[2] if len(sys.argv) > 2 else ''
for path, data in report['files'].items():
    if only not in path:
        continue
    old_lines = data['source'].split('\n')
    for m in data['mutants']:
        if m['status'] not in ('Survived', 'NoCoverage'):
            continue
        start, end = m['location']['start'], m['location']['end']
        if start['line'] != end['line']:
            print('SKIP multiline', path, start['line'], m['mutatorName'], flush=True)
            continue
        original = old_lines[start['line'] - 1]
        current = open(path).read().split('\n')
        hits = [i for i, line in enumerate(current) if line == original]
        if len(hits) != 1:
            print('SKIP gone', path, start['line'], original.strip()[:60], flush=True)
            continue
        at = hits[0]
        mutated = original[: start['column'] - 1] + m['replacement'] + original[end['column'] - 1 :]
        backup = path + '.rerun-backup'
        shutil.copy(path, backup)
        current[at] = mutated
        open(path, 'w').write('\n'.join(current))
        try:
            run = subprocess.run(
                ['npx', 'jest', '--bail', '-c', 'jest.stryker.config.ts'],
                capture_output=True, text=True, timeout=300,
            )
            status = 'KILLED' if run.returncode != 0 else 'SURVIVED'
        except subprocess.TimeoutExpired:
            status = 'TIMEOUT'
        finally:
            shutil.move(backup, path)
        print(status, f'{path}:{at + 1}', m['mutatorName'], '|', mutated.strip()[:120], flush=True)
