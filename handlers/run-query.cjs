// `sls invoke local -f runQuery` (osls) loads a handler with require(), which cannot find the .mjs
// bundle serverless-esbuild builds, and then tries <handler>.cjs: this file, copied beside the
// bundle (package.patterns), which loads it. Lambda itself loads the .mjs bundle directly.
exports.handler = async (event, context) => (await import('./run-query.mjs')).handler(event, context);
