import type { BuildOptions } from 'esbuild';

/** What every bundle of the project's code shares. */
export const COMMON: BuildOptions;
/** The CLI bundle, without its output folder. */
export const CLI: BuildOptions;
