import { FlowqError } from '../errors.js';
import { nearest } from '../nearest.js';
import { shorten } from '../text.js';

/** A command-line mistake: printed as one line, exit code 2. */
export class UsageError extends FlowqError {
  override readonly code = 'USAGE';
}

/** A flag as the user writes it, `--interface-id` for `interface_id`, cut short if it is long. */
export function flagLabel(name: string): string {
  return `--${shorten(name.replaceAll('_', '-'))}`;
}

/** Parsed command-line arguments: positionals and `--flag value` pairs, names with `-` read as `_`. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string>;
}

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal, where progress rewrites one line in place; false when left out. */
  readonly interactive?: boolean;
}

/**
 * Splits arguments into positionals and flags. `--name value`, `--name=value` and, for names in
 * `booleans`, a bare `--name` (true) or `--no-name` (false) are accepted; `--interface-id` and `--interface_id` are the same flag.
 * @throws UsageError on a repeated flag or a flag without its value (an empty value included).
 */
export function parseArgs(argv: readonly string[], booleans: ReadonlySet<string> = new Set()): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = (eq === -1 ? arg.slice(2) : arg.slice(2, eq)).replaceAll('-', '_');
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (booleans.has(name)) value = 'true';
    else if (name.startsWith('no_') && booleans.has(name.slice(3))) [name, value] = [name.slice(3), 'false'];
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`${flagLabel(name)} needs a value`);
      value = next;
      i++;
    }
    // An empty value is a mistake (an unset shell variable, say), never a silent default.
    if (value.trim() === '') throw new UsageError(`${flagLabel(name)} needs a value, not an empty one`);
    if (flags.has(name)) throw new UsageError(`${flagLabel(name)} is given twice`);
    flags.set(name, value);
  }
  return { positionals, flags };
}

/**
 * Refuses flags a command does not know.
 * @param command the command as typed (`run top-talkers`), for the pointer to its help.
 * @throws UsageError naming the first unknown flag and the nearest known one, or where the known ones are listed.
 */
export function checkFlags(args: ParsedArgs, known: Iterable<string>, command?: string): void {
  const allowed = new Set(known);
  for (const name of args.flags.keys()) {
    if (!allowed.has(name)) {
      const near = nearest(name, allowed);
      const hint = near !== undefined ? `did you mean --${near.replaceAll('_', '-')}?` : `flowq ${command ?? '<command>'} --help lists the flags`;
      throw new UsageError(`unknown flag ${flagLabel(name)}; ${hint}`);
    }
  }
}

/** A boolean flag's value. @throws UsageError unless it is true or false. */
export function booleanFlag(args: ParsedArgs, name: string): boolean | undefined {
  const value = args.flags.get(name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new UsageError(`--${name.replaceAll('_', '-')} takes no value (or true/false)`);
  return value === 'true';
}
