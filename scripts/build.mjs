// Bundles the flowq CLI into dist/flowq.js; SQL templates are embedded as text, packages stay external.
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
  entryPoints: ['src/cli/bin.ts'],
  outfile: 'dist/flowq.js',
  banner: { js: '#!/usr/bin/env node' },
});

// The benchmarks are built only for `npm run bench`.
if (process.argv.includes('--bench')) {
  await build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' });
  await build({ ...common, entryPoints: ['bench/bundles.ts'], outfile: 'dist/bench-bundles.js' });
  await build({ ...common, entryPoints: ['bench/late-margin.ts'], outfile: 'dist/late-margin.js' });
}
