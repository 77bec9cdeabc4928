// esbuild plugins for serverless-esbuild (custom.esbuild.plugins): the template files (template-files.cjs), and
// chunks named per function. serverless-esbuild builds each
// function into the same folder and leaves out of a function's zip only the files named after the
// other functions' bundles (`handlers/<name>.*`): naming every chunk after its own bundle keeps one
// function's chunks out of the others' zips, and removing that bundle's chunks of an earlier build
// (say, `sls offline`) keeps stale ones out of its own.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { templateFiles } = require('./template-files.cjs');

const chunksPerFunction = {
  name: 'chunks-per-function',
  setup(build) {
    const { entryPoints, outdir } = build.initialOptions;
    const entries = Array.isArray(entryPoints) ? entryPoints : Object.values(entryPoints ?? {});
    if (entries.length !== 1 || !outdir) return;
    const entry = typeof entries[0] === 'string' ? entries[0] : entries[0].in;
    const stem = path.basename(entry).replace(/\.[^.]+$/, '');
    build.initialOptions.chunkNames = `${stem}.[name]-[hash]`;
    build.onStart(() => {
      const stale = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[\\w-]+-[A-Z0-9]{8}\\.m?js$`);
      for (const file of fs.existsSync(outdir) ? fs.readdirSync(outdir) : []) {
        if (stale.test(file)) fs.rmSync(path.join(outdir, file));
      }
    });
  },
};

module.exports = [templateFiles, chunksPerFunction];
