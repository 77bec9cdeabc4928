// Bundles the flowq CLI into dist/flowq.js; SQL templates are embedded as text, packages stay external.
// Split into chunks so that what a command loads on demand (the AWS SDK, DuckDB) stays out of the
// start-up of commands that do not need it.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.sql': 'text' },
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { flowq: 'src/cli/bin.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node' },
});

// The benchmarks are built only for `npm run bench`.
if (process.argv.includes('--bench')) {
  await build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' });
  await build({ ...common, entryPoints: ['bench/bundles.ts'], outfile: 'dist/bench-bundles.js' });
  await build({ ...common, entryPoints: ['bench/late-margin.ts'], outfile: 'dist/late-margin.js' });
}
