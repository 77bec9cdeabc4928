// A one-node Trino for the differential tests and for local use: `npm run trino -- start|stop|status|fetch`.
//
// Trino is Athena engine v3's own engine. This script fetches the server and its Hive plugin from
// Maven Central (into Maven's own cache, ~/.m2, kept between runs), unpacks them once into
// ~/.cache/flowq/trino, picks a JDK the release runs on, writes a one-node configuration on
// 127.0.0.1 with a small heap and a Hive catalog over local files (file metastore, Trino's native
// local file system), starts it and waits until it answers. `stop` ends it by the PID it wrote;
// `execute` runs the statements on standard input (`flowq catalog ddl --dialect trino`'s output).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The newest Trino release whose server and Hive plugin Maven Central serves here (see docs/trino.md). */
export const TRINO_VERSION = '476';
/** Trino 476's classes are Java 24 class files (major version 68). */
export const TRINO_JAVA = 24;

const cacheHome = () => process.env.FLOWQ_TRINO_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flowq', 'trino');

/** A failure the command line reports in one line. */
export class TrinoSetupError extends Error {}

function run(command, args, options = {}) {
  try {
    return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    const line = output.split('\n').find((l) => /ERROR|error|not found|Could not/.test(l)) ?? error.message;
    // Maven colours its errors: the escape sequences are dropped.
    // eslint-disable-next-line no-control-regex
    throw new TrinoSetupError(`${command} ${args.slice(0, 3).join(' ')} failed: ${line.replace(/\x1b\[[0-9;]*m/g, '').trim()}`);
  }
}

/** The JDKs on the machine (JAVA_HOME and /usr/lib/jvm), newest first, with their feature versions. */
export function findJdks() {
  const homes = new Set([process.env.JAVA_HOME, ...(existsSync('/usr/lib/jvm') ? readdirSync('/usr/lib/jvm').map((d) => join('/usr/lib/jvm', d)) : [])]);
  const jdks = [];
  for (const home of homes) {
    if (home === undefined || !existsSync(join(home, 'bin', 'java')) || !existsSync(join(home, 'release'))) continue;
    const m = /JAVA_VERSION="(\d+)(?:\.[^"]*)?"/.exec(readFileSync(join(home, 'release'), 'utf8'));
    if (m !== null) jdks.push({ home, feature: Number(m[1]) });
  }
  return jdks.sort((a, b) => b.feature - a.feature || a.home.localeCompare(b.home));
}

/** The newest JDK that runs this Trino release. @throws TrinoSetupError naming what it needs and what it found. */
export function pickJdk(jdks = findJdks()) {
  const jdk = jdks.find((j) => j.feature >= TRINO_JAVA);
  if (jdk === undefined) {
    const found = jdks.length === 0 ? 'none' : jdks.map((j) => `Java ${j.feature} (${j.home})`).join(', ');
    throw new TrinoSetupError(`Trino ${TRINO_VERSION} needs Java ${TRINO_JAVA} or later; found ${found}`);
  }
  return jdk;
}

function mavenFile(artifact, extension) {
  const m2 = process.env.MAVEN_REPOSITORY ?? join(homedir(), '.m2', 'repository');
  return join(m2, 'io', 'trino', artifact, TRINO_VERSION, `${artifact}-${TRINO_VERSION}.${extension}`);
}

/**
 * The unpacked server with the Hive plugin, fetched and unpacked on first use.
 * @throws TrinoSetupError when Maven cannot fetch it.
 */
export function ensureServer(log = () => {}) {
  const server = join(cacheHome(), `trino-server-${TRINO_VERSION}`);
  if (existsSync(join(server, 'plugin', 'hive'))) return server;
  const parts = [
    ['trino-server-core', 'tar.gz'],
    ['trino-hive', 'zip'],
  ];
  for (const [artifact, extension] of parts) {
    if (existsSync(mavenFile(artifact, extension))) continue;
    log(`trino: fetching io.trino:${artifact}:${TRINO_VERSION} from Maven Central`);
    run('mvn', ['-q', '-B', 'dependency:get', `-Dartifact=io.trino:${artifact}:${TRINO_VERSION}:${extension}`, '-Dtransitive=false']);
  }
  log(`trino: unpacking into ${server}`);
  const partial = `${server}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  run('tar', ['xzf', mavenFile('trino-server-core', 'tar.gz'), '-C', partial, '--strip-components=1']);
  run('unzip', ['-q', mavenFile('trino-hive', 'zip'), '-d', join(partial, 'plugin')]);
  renameSync(join(partial, 'plugin', `trino-hive-${TRINO_VERSION}`), join(partial, 'plugin', 'hive'));
  // Only a complete tree takes the final name, so an interrupted unpack is never mistaken for one.
  renameSync(partial, server);
  return server;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function writeConfig(runDir, port) {
  const etc = join(runDir, 'etc');
  mkdirSync(join(etc, 'catalog'), { recursive: true });
  mkdirSync(join(runDir, 'metastore'), { recursive: true });
  const files = {
    'node.properties': [
      'node.environment=flowq',
      'node.id=flowq-local',
      `node.data-dir=${join(runDir, 'data')}`,
      'node.bind-ip=127.0.0.1',
      'node.internal-address=127.0.0.1',
    ],
    'jvm.config': [
      '-server',
      `-Xmx${process.env.FLOWQ_TRINO_HEAP ?? '1G'}`,
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djdk.attach.allowAttachSelf=true',
    ],
    'config.properties': [
      'coordinator=true',
      'node-scheduler.include-coordinator=true',
      `http-server.http.port=${port}`,
      `discovery.uri=http://127.0.0.1:${port}`,
      'query.max-memory=512MB',
      'query.max-memory-per-node=512MB',
      // Two cores: fewer splits at once keep a test run's other work going.
      'task.concurrency=2',
    ],
    'catalog/hive.properties': [
      'connector.name=hive',
      'hive.metastore=file',
      `hive.metastore.catalog.dir=local://${join(runDir, 'metastore')}`,
      // Trino's native local file system, rooted at / so a table's location is `local://<absolute path>`.
      'fs.native-local.enabled=true',
      'local.location=/',
      // Partitions are registered by `flowq catalog ddl --dialect trino` (system.register_partition).
      'hive.allow-register-partition-procedure=true',
    ],
  };
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(etc, name), `${lines.join('\n')}\n`);
  return etc;
}

const runHome = () => process.env.FLOWQ_TRINO_RUN ?? join(cacheHome(), 'run');
const pidFile = (runDir) => join(runDir, 'trino.pid');
const urlFile = (runDir) => join(runDir, 'url');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running server of a run folder: its PID and URL, or undefined. */
export function runningTrino(runDir = runHome()) {
  if (!existsSync(pidFile(runDir)) || !existsSync(urlFile(runDir))) return undefined;
  const pid = Number(readFileSync(pidFile(runDir), 'utf8').trim());
  return Number.isInteger(pid) && alive(pid) ? { pid, url: readFileSync(urlFile(runDir), 'utf8').trim() } : undefined;
}

async function info(url) {
  try {
    const response = await fetch(`${url}/v1/info`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

function lastLogLine(runDir) {
  const log = join(runDir, 'data', 'var', 'log', 'server.log');
  if (!existsSync(log)) return 'no server log';
  const errors = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => /\bERROR\b|Error:/.test(l));
  return errors.at(-1)?.trim() ?? 'see ' + log;
}

/**
 * Starts a one-node Trino for a run folder (or finds the one already running there) and waits until it answers.
 * @returns its URL, PID, version and the JDK it runs on.
 * @throws TrinoSetupError when it cannot be fetched, needs a JDK the machine lacks, or does not start.
 */
export async function startTrino({ runDir = runHome(), port, log = () => {}, waitSeconds = 240 } = {}) {
  const running = runningTrino(runDir);
  if (running !== undefined) return { ...running, version: (await info(running.url))?.nodeVersion?.version ?? TRINO_VERSION, reused: true };
  const jdk = pickJdk();
  const server = ensureServer(log);
  const chosen = port ?? (await freePort());
  rmSync(join(runDir, 'data'), { recursive: true, force: true });
  const etc = writeConfig(runDir, chosen);
  const url = `http://127.0.0.1:${chosen}`;
  const env = { ...process.env, JAVA_HOME: jdk.home, PATH: `${join(jdk.home, 'bin')}:${process.env.PATH}` };
  // The server runs in the foreground of its own detached process, so its PID is Trino's own.
  mkdirSync(join(runDir, 'data', 'var', 'log'), { recursive: true });
  const child = spawn(join(server, 'bin', 'launcher'), ['run', `--etc-dir=${etc}`, `--data-dir=${join(runDir, 'data')}`], {
    env,
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  writeFileSync(pidFile(runDir), `${child.pid}\n`);
  writeFileSync(urlFile(runDir), `${url}\n`);
  log(`trino: starting ${TRINO_VERSION} on ${url} with Java ${jdk.feature} (${jdk.home})`);
  const until = Date.now() + waitSeconds * 1000;
  while (Date.now() < until) {
    if (!alive(child.pid)) throw new TrinoSetupError(`Trino exited while starting: ${lastLogLine(runDir)}`);
    const answer = await info(url);
    // Trino says it has started a moment before its own node is active: wait until a query runs.
    if (answer?.starting === false && (await answersQueries(url)))
      return { url, pid: child.pid, version: answer.nodeVersion?.version ?? TRINO_VERSION, jdk, reused: false };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stopTrino(runDir);
  throw new TrinoSetupError(`Trino did not answer on ${url} within ${waitSeconds} s: ${lastLogLine(runDir)}`);
}

/** Stops the server of a run folder by its PID: SIGTERM, then SIGKILL after 20 s. @returns whether one was running. */
export async function stopTrino(runDir = runHome()) {
  if (!existsSync(pidFile(runDir))) return false;
  const pid = Number(readFileSync(pidFile(runDir), 'utf8').trim());
  rmSync(pidFile(runDir), { force: true });
  if (!Number.isInteger(pid) || !alive(pid)) return false;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 20_000 && alive(pid); waited += 200) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}

/**
 * Runs statements on a Trino server, one after the other, and returns each one's rows: what
 * `npm run trino -- execute` does with the output of `flowq catalog ddl --dialect trino`. A partition
 * registered before counts as done, so the same DDL can run again.
 * @throws TrinoSetupError with Trino's message for the first statement that fails.
 */
export async function executeStatements(url, statements, user = 'flowq') {
  const results = [];
  for (const statement of statements) {
    let page = await (await fetch(`${url}/v1/statement`, { method: 'POST', body: statement, headers: { 'X-Trino-User': user } })).json();
    const rows = [];
    for (;;) {
      if (page.error && /is already registered with location/.test(page.error.message)) break;
      if (page.error) throw new TrinoSetupError(`${statement.split('\n')[0].slice(0, 80)}: ${page.error.message}`);
      rows.push(...(page.data ?? []));
      if (!page.nextUri) break;
      page = await (await fetch(page.nextUri, { headers: { 'X-Trino-User': user } })).json();
    }
    results.push(rows);
  }
  return results;
}

async function answersQueries(url) {
  try {
    // `SELECT 1` runs on the coordinator alone; a table's splits wait until it counts its node active,
    // and fail with "No nodes available to run query" before then.
    const [rows] = await executeStatements(url, ["SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'"]);
    return Number(rows[0]?.[0]) > 0;
  } catch {
    return false;
  }
}

/** SQL text split into statements at each `;` that ends a line. */
export function splitStatements(text) {
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

async function main([command, ...rest]) {
  const port = rest.includes('--port') ? Number(rest[rest.indexOf('--port') + 1]) : undefined;
  const log = (line) => process.stderr.write(`${line}\n`);
  switch (command) {
    case 'start': {
      const started = await startTrino({ port, log });
      process.stdout.write(`${started.url}\n`);
      log(
        `trino ${started.version} ${started.reused ? 'already running' : 'started'} on ${started.url} (pid ${started.pid}); stop it with npm run trino -- stop`,
      );
      return 0;
    }
    case 'stop':
      log((await stopTrino()) ? 'trino: stopped' : 'trino: not running');
      return 0;
    case 'status': {
      const running = runningTrino();
      if (running === undefined) {
        log('trino: not running');
        return 1;
      }
      const answer = await info(running.url);
      process.stdout.write(`${running.url}\n`);
      log(
        `trino ${answer?.nodeVersion?.version ?? '?'} on ${running.url} (pid ${running.pid}), ${answer === undefined ? 'not answering' : answer.starting ? 'starting' : 'ready'}`,
      );
      return 0;
    }
    case 'execute': {
      const running = runningTrino();
      if (running === undefined) throw new TrinoSetupError('not running: npm run trino -- start');
      const chunks = [];
      for await (const chunk of process.stdin) chunks.push(chunk);
      const statements = splitStatements(Buffer.concat(chunks).toString('utf8'));
      await executeStatements(running.url, statements);
      log(`trino: ${statements.length} statements run on ${running.url}`);
      return 0;
    }
    case 'fetch':
      log(`trino: ${ensureServer(log)} (runs on Java ${pickJdk().feature})`);
      return 0;
    default:
      log('usage: npm run trino -- start [--port N] | stop | status | fetch | execute < statements.sql');
      return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`trino: ${error instanceof TrinoSetupError ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
