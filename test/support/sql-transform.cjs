// Loads a .sql template as a module whose default export is its text, as esbuild's text loader does.
module.exports = {
  process(sourceText) {
    return { code: `export default ${JSON.stringify(sourceText)};` };
  },
};
