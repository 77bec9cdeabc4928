// The template registry's files: every queries/*.sql, read when the code is bundled (an esbuild plugin, for the
// Lambda bundles, the CLI and the deploy checks) or loaded by Jest, so that adding a file adds a template.
// src/queries/templates.ts imports them as the module `virtual:template-files` (types/template-files.d.ts).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const QUERIES = path.resolve(__dirname, '../queries');

/** The text of every template file, by file name without `.sql`, in name order. */
function readTemplateFiles() {
  const names = fs
    .readdirSync(QUERIES)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -'.sql'.length))
    .sort();
  return Object.fromEntries(names.map((name) => [name, fs.readFileSync(path.join(QUERIES, `${name}.sql`), 'utf8')]));
}

/** esbuild plugin: `virtual:template-files` becomes a module whose default export is readTemplateFiles(). */
const templateFiles = {
  name: 'template-files',
  setup(build) {
    build.onResolve({ filter: /^virtual:template-files$/ }, (args) => ({ path: args.path, namespace: 'template-files' }));
    build.onLoad({ filter: /.*/, namespace: 'template-files' }, () => {
      const files = readTemplateFiles();
      return {
        contents: `export default ${JSON.stringify(files)};`,
        loader: 'js',
        // A watching build rebuilds when a template changes or a file is added.
        watchDirs: [QUERIES],
        watchFiles: Object.keys(files).map((name) => path.join(QUERIES, `${name}.sql`)),
      };
    });
  },
};

module.exports = { readTemplateFiles, templateFiles };
