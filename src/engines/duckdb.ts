import * as duckdbApi from '@duckdb/node-api';

/**
 * `@duckdb/node-api`, the one place the local engine takes it from. The CLI bundle carries its
 * JavaScript (scripts/build-options.mjs): loaded as 124 CommonJS files from node_modules it costs a
 * one-day question about 0.2 s of CPU, bundled a third of that. Its native bindings stay external.
 */
export const duckdb = duckdbApi;
