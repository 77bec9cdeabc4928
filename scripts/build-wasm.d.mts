/** Assembles a WebAssembly text file into its binary module. */
export function assemble(watPath: string): Promise<Buffer>;
/** The TypeScript module that carries the binary as base64. */
export function generated(bytes: Buffer): string;
