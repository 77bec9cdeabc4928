/** The assembly source and the generated module's path. */
export const WAT: string;
export const OUT: string;
/** Assembles a WebAssembly text file into its binary module. */
export function assemble(watPath: string): Promise<Buffer>;
/** The TypeScript module that carries the binary as base64. */
export function generated(bytes: Buffer): string;
/** The generated module's text, from the current assembly source. */
export function generate(): Promise<string>;
