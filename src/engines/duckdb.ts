import { createRequire } from 'node:module';
import type * as DuckDBApi from '@duckdb/node-api';

/**
 * `@duckdb/node-api`, loaded with `require`: imported as an ES module, each of its CommonJS files
 * is first parsed for the names it exports, which costs more than the rest of a small question.
 */
export const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDBApi;
