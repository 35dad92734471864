// The shipped program: the CLI and the demo's seed worker bundled with their dependencies by esbuild into
// dist/bundle/ (the package's `bin`). Loading ~750 separate ES modules took longer than the rest of start-up; one
// bundle (split only where the CLI loads lazily) starts about as fast as a bare Ink program. The themes' JSON files
// go next to it (themes/index.ts reads them relative to itself).
import { build } from 'esbuild';
import { cpSync, readdirSync, rmSync } from 'node:fs';

const outdir = 'dist/bundle';
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/bin.ts', 'src/demo/seed-worker.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  // seed-worker.ts starts itself by name next to the module that imports it: every entry at the top level.
  entryNames: '[name]',
  // Ink loads the React devtools only when DEV=true; they are not installed.
  external: ['react-devtools-core'],
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __lxcriRequire } from 'node:module'; const require = __lxcriRequire(import.meta.url);" },
  logLevel: 'warning',
});
for (const f of readdirSync('themes').filter((f) => f.endsWith('.json'))) cpSync(`themes/${f}`, `${outdir}/${f}`);
