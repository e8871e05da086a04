import Module from 'node:module';
import { join } from 'node:path';

// The examples import the package by its name, as an app does: 'rxjs-cancel'.
// tsc and jest map that name to lib/ (tsconfig.json's paths, jest.config.ts's
// moduleNameMapper), but Node does not read tsconfig, and ts-node does not
// apply its paths either: left alone, Node would resolve the name to the
// package itself (a package may require itself by name) and load dist/, which
// a fresh clone has not built. examples/run.ts imports this file first, so
// that the two names below load the sources instead.
//
// Node 20 has no public hook for require(): module.register's hooks see only
// ESM imports, and module.registerHooks is Node 22.15+. So this wraps
// Module._resolveFilename, the internal function every require() resolves
// through, as tsconfig-paths and module-alias do: a few lines here
// rather than a devDependency (tsconfig-paths) for two names.
const SOURCES: Readonly<Record<string, string>> = {
  'rxjs-cancel': join(__dirname, '../../lib/index.ts'),
  'rxjs-cancel/testing': join(__dirname, '../../lib/testing/index.ts'),
};

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;
const internals = Module as unknown as { _resolveFilename: ResolveFilename };
const resolveFilename = internals._resolveFilename;
internals._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, Object.hasOwn(SOURCES, request) ? SOURCES[request] : request, ...rest);
};
