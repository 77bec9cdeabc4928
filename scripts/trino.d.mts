/** The Trino release the script runs, and the Java feature version it needs. */
export const TRINO_VERSION: string;
export const TRINO_JAVA: number;

/** A failure the command line reports in one line. */
export class TrinoSetupError extends Error {}

export interface StartedTrino {
  readonly url: string;
  readonly pid: number;
  readonly version: string;
  readonly jdk?: { readonly home: string; readonly feature: number };
  readonly reused: boolean;
}

export function findJdks(): Array<{ home: string; feature: number }>;
export function pickJdk(jdks?: ReadonlyArray<{ home: string; feature: number }>): { home: string; feature: number };
export function ensureServer(log?: (line: string) => void): string;
export function runningTrino(runDir?: string): { pid: number; url: string } | undefined;
export function startTrino(options?: { runDir?: string; port?: number; log?: (line: string) => void; waitSeconds?: number }): Promise<StartedTrino>;
export function stopTrino(runDir?: string): Promise<boolean>;
export function executeStatements(url: string, statements: readonly string[], user?: string): Promise<unknown[][][]>;
export function splitStatements(text: string): string[];
