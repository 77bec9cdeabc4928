import { asFlowqError, AwsSetupError } from '../aws/errors.js';
import { exitCodeOf, InvalidParameter } from '../errors.js';
import { nearest } from '../nearest.js';
import type { CliIo } from './args.js';
import { flagLabel, UsageError } from './args.js';
import { demoCommand, queriesCommand, runCommand, sampleCommand } from './commands.js';
import { flowqVersion, overview, usageOf, wantsHelp } from './usage.js';
import { errorLine, inertText, shorten } from '../text.js';

type Command = (argv: string[], io: CliIo) => number | Promise<number>;

/** What each command runs; its help lives in COMMAND_HELP (src/cli/usage.ts). */
export const COMMANDS: Readonly<Record<string, Command>> = {
  queries: queriesCommand,
  run: runCommand,
  sql: async (argv, io) => (await import('./sql.js')).sqlCommand(argv, io),
  sample: sampleCommand,
  report: async (argv, io) => (await import('./report.js')).reportCommand(argv, io),
  demo: demoCommand,
  // Loaded on demand: the AWS SDK costs start-up time that local commands need not pay.
  catalog: async (argv, io) => (await import('./catalog.js')).catalogCommand(argv, io),
};

/** Runs the flowq command line; returns the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      // `flowq help <command>` is that command's help; `flowq help --help` the overview.
      const topic = command === 'help' && rest.length > 0 && rest[0] !== '--help' && rest[0] !== '-h' ? rest[0] : undefined;
      const usage = topic === undefined ? undefined : usageOf(topic, rest.slice(1));
      if (topic !== undefined && usage === undefined) throw unknownCommand(topic);
      io.out(usage === undefined ? overview() : `${usage}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === 'version') {
      io.out(`flowq ${flowqVersion()}\n`);
      return 0;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (run === undefined) throw unknownCommand(command);
    const usage = usageOf(command, rest);
    if (usage !== undefined && wantsHelp(rest)) {
      io.out(`${usage}\n`);
      return 0;
    }
    return await run(rest, io);
  } catch (error) {
    return reportError(error, io);
  }
}

function unknownCommand(name: string): UsageError {
  const near = nearest(name, Object.keys(COMMANDS));
  return new UsageError(`unknown command '${shorten(name)}'; ${near === undefined ? 'flowq help lists the commands' : `did you mean ${near}?`}`);
}

/**
 * Writes one line for an error and returns its exit code (see ERROR_OUTCOMES): 2 for command-line
 * mistakes, 1 for the rest. The line is made inert (see `inertText`): messages quote data and
 * arguments, which may hold escapes.
 */
export function reportError(error: unknown, io: CliIo): number {
  const say = (text: string) => io.err(`${inertText(text)}\n`);
  const known = asFlowqError(error);
  if (known === undefined) {
    // Not one of ours: a bug. One line for the user; the stack only when asked for.
    say(`flowq: unexpected error: ${errorLine(error)}`);
    if (process.env.FLOWQ_DEBUG) io.err(`${(error as Error).stack}\n`);
    return 1;
  }
  const message = known instanceof InvalidParameter ? inFlagWords(known) : known instanceof AwsSetupError ? setupInFlagWords(known) : known.message;
  say(`flowq: ${message}`);
  // Each hint a line of its own, indented under the message.
  if (known instanceof InvalidParameter) for (const hint of known.hints) say(`  ${hint}`);
  return exitCodeOf(known);
}

/** Parameters that are not flags of their own: `sql` is the statement, `query` the template. */
const NOT_FLAGS: ReadonlySet<string> = new Set(['sql', 'query']);

/** A missing region or credentials as the command line says it: its --region and --profile first. */
export function setupInFlagWords(error: AwsSetupError): string {
  const { problem, where } = error;
  switch (problem.missing) {
    case 'region':
      return `${where}no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)`;
    case 'profile':
      return `${where}AWS profile '${problem.profile}' was not found or holds no credentials: check --profile / AWS_PROFILE and ~/.aws/config`;
    case 'credentials':
      return `${where}no AWS credentials: pass --profile or set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
}

/**
 * A parameter problem as the command line says it: `--start is required (or --since 24h)`,
 * `--limit must be a whole number from 1 to 1000`, rather than the parameter's internal name.
 */
export function inFlagWords(error: InvalidParameter): string {
  const details = [...error.details];
  const missing = (name: string) => details.some((d) => d.param === name && d.message === 'is required');
  const parts: string[] = [];
  if (missing('start') && missing('end')) parts.push('--start and --end are required (or --since 24h)');
  for (const { param, message } of details) {
    if (NOT_FLAGS.has(param)) {
      parts.push(`${param}: ${message}`);
      continue;
    }
    if ((param === 'start' || param === 'end') && missing('start') && missing('end')) continue;
    const flag = flagLabel(param);
    const said = message
      .replace(/^must be after start$/, 'must be after --start')
      .replace(/^is required$/, (m) => (param === 'start' || param === 'end' ? `${m} (or --since 24h)` : m));
    parts.push(/^(is|must|needs) /.test(said) ? `${flag} ${said}` : `${flag}: ${said}`);
  }
  return parts.join('; ');
}
