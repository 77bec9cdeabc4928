/**
 * `npm run bench` (also alone: `npm run bench:bundles`): packages the Lambda functions as a deploy
 * would (`sls package`, offline), then prints each function's zip size and the time a fresh Node
 * process takes to import its bundle (beyond an empty ES module's start), next to Node's own start
 * (`node -e 0`) measured in the same run, rounds interleaved. Figures are medians; the ratios are
 * what to compare across machines.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROOT = resolve('.');

interface LambdaFunction {
  readonly Type: string;
  readonly Properties: { Handler: string; Code: { S3Key: string }; Environment?: { Variables: Record<string, string> } };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await run(process.execPath, args, { cwd, env });
  return performance.now() - started;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'flowq-bench-bundles-'));
  try {
    process.stderr.write('packaging the functions (sls package, offline)...\n');
    const out = join(work, 'package');
    await run(process.execPath, [join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package', '--package', out], {
      cwd: ROOT,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      maxBuffer: 1 << 24,
    });
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, LambdaFunction> };
    const functions = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((f) => ({
        name: f.Properties.Code.S3Key.split('/')
          .pop()!
          .replace(/\.zip$/, ''),
        entry: `./${f.Properties.Handler.replace(/\.handler$/, '.mjs')}`,
        env: {
          PATH: process.env.PATH,
          ...f.Properties.Environment?.Variables,
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      }));
    for (const f of functions) {
      mkdirSync(join(work, f.name));
      await run('unzip', ['-q', join(out, `${f.name}.zip`), '-d', join(work, f.name)]);
    }

    const bare: number[] = [];
    // The bundles are ES modules: Node's module loader starts for them, and for an empty module too.
    const emptyModule: number[] = [];
    const imports = new Map<string, number[]>(functions.map((f) => [f.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`round ${round}/${ROUNDS}\r`);
      bare.push(await timed(['-e', '0'], work, { PATH: process.env.PATH }));
      emptyModule.push(await timed(['--input-type=module', '-e', '0'], work, { PATH: process.env.PATH }));
      for (const f of functions) {
        const script = `await import(${JSON.stringify(f.entry)});`;
        imports.get(f.name)!.push(await timed(['--input-type=module', '-e', script], join(work, f.name), f.env));
      }
    }
    process.stderr.write('\n');

    const nodeStart = median(bare);
    const moduleStart = median(emptyModule);
    console.log(
      `Lambda bundles (${ROUNDS} rounds, medians): Node's own start (node -e 0) ${nodeStart.toFixed(0)} ms, with an empty ES module ${moduleStart.toFixed(0)} ms; import = process - the latter`,
    );
    console.log(`${'function'.padEnd(14)} ${'zip'.padStart(9)} ${'files'.padStart(5)}  ${'process'.padStart(8)}  ${'import'.padStart(8)}  import/start`);
    for (const f of functions) {
      const zip = statSync(join(out, `${f.name}.zip`)).size;
      const files = readdirSync(join(work, f.name), { recursive: true }).filter((p) => statSync(join(work, f.name, String(p))).isFile()).length;
      const total = median(imports.get(f.name)!);
      const importMs = Math.max(0, total - moduleStart);
      console.log(
        `${f.name.padEnd(14)} ${`${(zip / 1024).toFixed(1)} KiB`.padStart(9)} ${String(files).padStart(5)}  ${`${total.toFixed(0)} ms`.padStart(8)}  ${`${importMs.toFixed(0)} ms`.padStart(8)}  ${(importMs / nodeStart).toFixed(2)}x`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
