// Writes every generated source file from its source: the compiled event validators and the
// plain-record scanner's WebAssembly module. `--check` writes nothing and exits 1 naming each file
// that differs from what its generator makes now (CI runs it as `npm run generate:check`).
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import * as validators from './compile-validators.mjs';
import * as wasm from './build-wasm.mjs';

const GENERATORS = [validators, wasm];

const check = process.argv.includes('--check');
let stale = 0;
for (const { OUT, generate } of GENERATORS) {
  const text = await generate();
  const name = relative(process.cwd(), OUT);
  if (!check) {
    await writeFile(OUT, text);
    console.log(`wrote ${name}`);
  } else if ((await readFile(OUT, 'utf8').catch(() => '')) !== text) {
    console.error(`${name} is stale: run npm run generate`);
    stale += 1;
  }
}
if (stale > 0) process.exit(1);
