// Removes the folders global-setup.cjs made for this run, after stopping any Trino a test left running.
const { existsSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

module.exports = async function globalTeardown() {
  const root = process.env.FLOWQ_TEST_ROOT;
  if (root && existsSync(root)) {
    // test/engines/trino.test.ts stops its server itself; this is for a worker that died first.
    for (const dir of readdirSync(root).filter((name) => name.startsWith('trino-'))) {
      const pidFile = join(root, dir, 'trino.pid');
      if (!existsSync(pidFile)) continue;
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const dir of [root, process.env.FLOWQ_TEST_PROJECT_DIR]) {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
};
