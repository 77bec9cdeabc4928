// Assembles src/engines/plain-scan.wat into src/engines/plain-scan-wasm.ts (the module as base64),
// so that neither the CLI build nor the Lambda bundles need an assembler. A test checks the two agree.
import { Buffer } from 'node:buffer';
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import wabt from 'wabt';

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
  `// Generated from plain-scan.wat by scripts/build-wasm.mjs (npm run build:wasm); do not edit.\nexport const PLAIN_SCAN_WASM = '${bytes.toString('base64')}';\n`;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile('src/engines/plain-scan-wasm.ts', generated(await assemble('src/engines/plain-scan.wat')));
}
