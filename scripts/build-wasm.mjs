// Assembles src/engines/local/plain-scan.wat into src/engines/local/plain-scan-wasm.ts (the module as base64),
// so that neither the CLI build nor the Lambda bundles need an assembler. Run through
// scripts/generate.mjs (npm run generate); a test checks the two agree.
import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WAT = join(ROOT, 'src/engines/local/plain-scan.wat');
export const OUT = join(ROOT, 'src/engines/local/plain-scan-wasm.ts');

export async function assemble(watPath) {
  const module = (await wabt()).parseWat(watPath, await readFile(watPath, 'utf8'));
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

export const generated = (bytes) =>
  `// Generated from plain-scan.wat by scripts/build-wasm.mjs (npm run generate); do not edit.\nexport const PLAIN_SCAN_WASM = '${bytes.toString('base64')}';\n`;

/** The generated module's text, from the current assembly source. */
export async function generate() {
  return generated(await assemble(WAT));
}
