// The esbuild options of the flowq CLI bundle, shared by scripts/build.mjs and the tests that run
// the bundled CLI (test/support/cli-process.ts): SQL templates embedded as text, packages external,
// split into chunks so that what a command loads on demand (the AWS SDK, DuckDB) stays out of the
// start-up of commands that do not need it.
import { templateFiles } from '../deploy/template-files.cjs';

/** What every bundle of the project's code shares. */
export const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [templateFiles],
};

/**
 * Packages stay external, loaded from node_modules at run time, except DuckDB's JavaScript API: its
 * 124 CommonJS files take about 0.2 s of CPU to load one by one and a third of that bundled, which
 * a one-day question feels. Its native bindings (@duckdb/node-bindings) stay external.
 */
const bundleDuckdbApi = {
  name: 'bundle-duckdb-api',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path === '@duckdb/node-api' || args.path.startsWith('@duckdb/node-api/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** The CLI bundle, without its output folder. */
export const CLI = {
  ...COMMON,
  packages: undefined,
  plugins: [...COMMON.plugins, bundleDuckdbApi],
  // The bundled CommonJS requires its bindings; an ES module has no `require` of its own.
  banner: { js: "import { createRequire as flowqCreateRequire } from 'node:module'; const require = flowqCreateRequire(import.meta.url);" },
  entryPoints: { flowq: 'src/cli/bin.ts' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
};
