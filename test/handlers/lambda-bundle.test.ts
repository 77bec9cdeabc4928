// The query handlers' Lambda bundles, built as `sls package` builds them (serverless.yml's own
// esbuild settings): DuckDB must never be loaded by them outside local mode.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const QUERY_FUNCTIONS = ['listQueries', 'runQueryHttp', 'getExecution', 'runQuery'];

/** serverless.yml's custom.esbuild: esbuild's own options plus serverless-esbuild's. */
interface EsbuildSettings extends Record<string, unknown> {
  outputFileExtension: string;
  exclude: string[];
}

/** Static imports of a bundle file: `import{a}from"x"` and `import"x"`, never `import("x")`. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/(?:^|[;\s})])import\s*(?:[\w$*{}\s,]+?from\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
}

/** Every file an entry loads before its handler can run, following static imports only. */
function staticClosure(dir: string, entry: string): { files: string[]; packages: string[] } {
  const files: string[] = [];
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (files.includes(file)) continue;
    files.push(file);
    for (const spec of staticImports(readFileSync(join(dir, file), 'utf8'))) {
      if (spec.startsWith('.')) queue.push(join(dirname(file), spec));
      else packages.add(spec);
    }
  }
  return { files, packages: [...packages].sort() };
}

let out: string;
let functions: Record<string, { handler: string }>;

beforeAll(async () => {
  const sls = join(ROOT, 'node_modules/osls/bin/serverless.js');
  const { stdout } = await run(process.execPath, [sls, 'print', '--format', 'json'], { cwd: ROOT, env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } });
  const config = JSON.parse(stdout) as { custom: { esbuild: EsbuildSettings }; functions: Record<string, { handler: string }> };
  functions = config.functions;
  // serverless-esbuild turns `exclude` into externals and `outputFileExtension` into outExtension.
  const { exclude, outputFileExtension, ...esbuildOptions } = config.custom.esbuild;
  out = mkdtempSync(join(tmpdir(), 'flowq-bundle-'));
  for (const name of QUERY_FUNCTIONS) {
    const entry = functions[name].handler.replace(/\.handler$/, '.ts');
    await build({
      ...esbuildOptions,
      entryPoints: { [entry.replace(/\.ts$/, '')]: join(ROOT, entry) },
      outdir: join(out, name),
      outExtension: { '.js': outputFileExtension },
      external: exclude,
      logLevel: 'silent',
    });
  }
}, 120_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('Lambda bundles of the query handlers', () => {
  test('serverless.yml declares every query function with its handler file', () => {
    expect(Object.fromEntries(QUERY_FUNCTIONS.map((n) => [n, functions[n]?.handler]))).toEqual({
      listQueries: 'handlers/list-queries.handler',
      runQueryHttp: 'handlers/run-query-http.handler',
      getExecution: 'handlers/get-execution.handler',
      runQuery: 'handlers/run-query.handler',
    });
  });

  test.each(QUERY_FUNCTIONS)('%s statically imports only Node built-ins: DuckDB sits behind a dynamic import', (name) => {
    const entry = functions[name].handler.replace(/\.handler$/, '.mjs');

    const { packages } = staticClosure(join(out, name), entry);

    expect(packages.filter((p) => !p.startsWith('node:') && !builtinModules.includes(p))).toEqual([]);
  });

  test.each(QUERY_FUNCTIONS)('%s loads and exports its handler in a folder with no node_modules, as in Lambda', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'flowq-lambda-'));
    try {
      cpSync(join(out, name), dir, { recursive: true });
      const entry = functions[name].handler.replace(/\.handler$/, '.mjs');
      const script = `const m = await import(${JSON.stringify(`./${entry}`)}); console.log(typeof m.handler);`;

      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: dir,
        env: { PATH: process.env.PATH, FLOWQ_DATABASE: 'flowq', FLOWQ_TABLE: 'flow_logs', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });

      expect(stdout.trim()).toBe('function');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(QUERY_FUNCTIONS)('%s stays under 1 MB of code loaded at cold start', (name) => {
    const entry = functions[name].handler.replace(/\.handler$/, '.mjs');

    const { files } = staticClosure(join(out, name), entry);
    const bytes = files.reduce((sum, f) => sum + statSync(join(out, name, f)).size, 0);

    expect(bytes).toBeLessThan(1_000_000);
  });

  test('the local engine chunk is the only file that imports DuckDB', () => {
    const importers = QUERY_FUNCTIONS.flatMap((name) =>
      readdirSync(join(out, name), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.mjs') && staticImports(readFileSync(join(out, name, f), 'utf8')).includes('@duckdb/node-api'))
        .map((f) => f.replace(/-[A-Z0-9]{8}\.mjs$/, '')),
    );
    expect([...new Set(importers)]).toEqual(['local']);
  });
});
