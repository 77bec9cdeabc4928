// The esbuild options of the flowq CLI bundle, shared by scripts/build.mjs and the tests that run
// the bundled CLI (test/support/cli-process.ts): SQL templates embedded as text, packages external,
// split into chunks so that what a command loads on demand (the AWS SDK, DuckDB) stays out of the
// start-up of commands that do not need it.

/** What every bundle of the project's code shares. */
export const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.sql': 'text' },
};

/** The CLI bundle, without its output folder. */
export const CLI = {
  ...COMMON,
  entryPoints: { flowq: 'src/cli/bin.ts' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
};
