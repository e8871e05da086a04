import { defineConfig } from 'tsdown';

// dist/ keeps one module per source file (unbundle), in both formats, each
// with its own declarations: .mjs + .d.mts for `import`, .cjs + .d.cts for
// `require` (jest setups that run CommonJS on Node 20 still load the latter).
// rxjs and @angular/core (rxjs-cancel/angular's) are peer dependencies and stay imports.
export default defineConfig({
  entry: ['lib/index.ts', 'lib/testing/index.ts', 'lib/angular/index.ts'],
  unbundle: true,
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  sourcemap: false,
  clean: true,
  outDir: 'dist',
  tsconfig: 'tsconfig.build.json',
  deps: { neverBundle: ['rxjs', /^@angular\//] },
});
