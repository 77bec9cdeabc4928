// Bundles the flowq CLI into dist/flowq.js (see build-options.mjs), and the benchmarks for `npm run bench`.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { CLI, COMMON } from './build-options.mjs';

const here = { sourcemap: true, logLevel: 'warning' };

// Chunk names carry a content hash: the old ones would pile up.
rmSync('dist/chunks', { recursive: true, force: true });
await build({ ...CLI, ...here, outdir: 'dist', banner: { js: `#!/usr/bin/env node\n${CLI.banner.js}` } });

// The benchmarks are built only for `npm run bench`.
if (process.argv.includes('--bench')) {
  for (const [entry, out] of [
    ['bench/bench.ts', 'dist/bench.js'],
    ['bench/bundles.ts', 'dist/bench-bundles.js'],
    ['bench/late-margin.ts', 'dist/late-margin.js'],
    ['bench/latency.ts', 'dist/latency.js'],
  ]) {
    await build({ ...COMMON, ...here, entryPoints: [entry], outfile: out });
  }
}
