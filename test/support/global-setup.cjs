// One folder per test run for everything the tests and the processes they start leave behind: the
// workers' caches, the engines' work folders, packaging output (TMPDIR points inside it), and the
// bundled CLI (which must live inside the project to resolve its packages). global-teardown.cjs
// removes both folders when the run ends.
const { chmodSync, mkdirSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const root = mkdtempSync(join(tmpdir(), 'flowq-test-run-'));
  mkdirSync(join(root, 'tmp'));
  // Open to other users as /tmp is: a test checks permissions as nobody, who must reach its files.
  chmodSync(root, 0o755);
  chmodSync(join(root, 'tmp'), 0o1777);
  mkdirSync(join(process.cwd(), '.flowq'), { recursive: true });
  process.env.FLOWQ_TEST_ROOT = root;
  process.env.FLOWQ_TEST_PROJECT_DIR = mkdtempSync(join(process.cwd(), '.flowq', 'test-run-'));
  process.env.TMPDIR = join(root, 'tmp');
};
