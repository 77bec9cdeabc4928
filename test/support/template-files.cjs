// `virtual:template-files` under Jest (moduleNameMapper): what the esbuild plugin gives a bundle.
module.exports = require('../../deploy/template-files.cjs').readTemplateFiles();
