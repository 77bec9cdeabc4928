// esbuild plugins for serverless-esbuild (custom.esbuild.plugins). serverless-esbuild builds each
// function into the same folder and leaves out of a function's zip only the files named after the
// other functions' bundles (`handlers/<name>.*`); naming every chunk after its own bundle keeps one
// function's chunks out of the others' zips.
'use strict';
const path = require('node:path');

const chunksPerFunction = {
  name: 'chunks-per-function',
  setup(build) {
    const { entryPoints } = build.initialOptions;
    const entries = Array.isArray(entryPoints) ? entryPoints : Object.values(entryPoints ?? {});
    if (entries.length !== 1) return;
    const entry = typeof entries[0] === 'string' ? entries[0] : entries[0].in;
    build.initialOptions.chunkNames = `${path.basename(entry).replace(/\.[^.]+$/, '')}.[name]-[hash]`;
  },
};

module.exports = [chunksPerFunction];
