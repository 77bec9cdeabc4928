// serverless.yml reads the stack plan through this file: `${file(./deploy/stack.cjs):<path>}`.
// The plan is src/deploy/stack.ts, bundled here in memory so the deploy settings are checked by the
// same code the functions run at cold start. A bad parameter fails `sls package` with one line.
'use strict';
const { build } = require('esbuild');
const Module = require('node:module');
const path = require('node:path');
const { templateFiles } = require('./template-files.cjs');

const ROOT = path.resolve(__dirname, '..');
// The checks load the Athena engine's module, and with it the AWS SDK, which warns about Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function loadPlanner() {
  const { outputFiles } = await build({
    // The planner, and flowq's error table to tell a bad parameter from a bug by.
    stdin: {
      contents: "export { planStack } from './src/deploy/stack.ts'; export { FlowqError, exitCodeOf } from './src/errors.ts';",
      resolveDir: ROOT,
      sourcefile: 'deploy-plan.ts',
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [templateFiles],
    logLevel: 'silent',
  });
  const filename = path.join(ROOT, 'src/deploy/stack.bundle.cjs');
  const planner = new Module(filename);
  planner.filename = filename;
  planner.paths = Module._nodeModulePaths(ROOT);
  planner._compile(outputFiles[0].text, filename);
  return planner.exports;
}

let plan;

module.exports = ({ resolveVariable, resolveConfigurationProperty }) => {
  plan ??= (async () => {
    const names = Object.keys((await resolveConfigurationProperty(['params', 'default'])) ?? {});
    const params = {};
    for (const name of names) params[name] = String((await resolveVariable(`param:${name}`)) ?? '');
    const context = { service: await resolveVariable('self:service'), stage: await resolveVariable('sls:stage') };
    const planner = await loadPlanner();
    try {
      return planner.planStack(params, context);
    } catch (error) {
      // A bad param is a mistake in the command line (exit code 2 in flowq's error table). The
      // framework would print it once for every variable that reads the plan, with a stack; the
      // message alone is the answer, once.
      if (!(error instanceof planner.FlowqError) || planner.exitCodeOf(error) !== 2) throw error;
      process.stderr.write(`Error: ${error.message}\n`);
      process.exit(2);
    }
  })();
  // A variable the framework has not resolved yet is asked for again later: forget that attempt.
  plan.catch((error) => {
    if (error.code === 'MISSING_VARIABLE_DEPENDENCY') plan = undefined;
  });
  return plan;
};
