// Removes the folders global-setup.cjs made for this run.
const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  for (const dir of [process.env.FLOWQ_TEST_ROOT, process.env.FLOWQ_TEST_PROJECT_DIR]) {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
};
