import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** Whether a process with this id is running (perhaps another user's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Work folders of engines not closed yet: removed if the process exits first (a reader that closed the pipe, an error). */
const openWorkDirs = new Set<string>();
let removesAtExit = false;

/** Removes a work folder, which then needs no removing at exit. */
export async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  openWorkDirs.delete(dir);
}

/** A work folder's name: its process id, then mkdtemp's six characters. */
const WORK_DIR = /^flowq-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Removes the work folders of processes that have ended without removing theirs: killed (SIGKILL),
 * or a host that ends its Lambda workers without exit handlers (`sls offline` on SIGTERM).
 */
async function sweepWorkDirs(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const entry of entries) {
    const owner = WORK_DIR.exec(entry);
    if (owner !== null && !processExists(Number(owner[1]))) await rm(join(tmpdir(), entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

function removeAtExit(dir: string): void {
  openWorkDirs.add(dir);
  if (removesAtExit) return;
  removesAtExit = true;
  process.once('exit', () => {
    for (const open of openWorkDirs) rmSync(open, { recursive: true, force: true });
  });
}

/**
 * Makes an engine's work folder, `flowq-<pid>-XXXXXX` in the temporary folder, once the folders of
 * ended processes are swept; it is removed at exit unless the engine removes it first.
 */
export async function makeWorkDir(): Promise<string> {
  await sweepWorkDirs();
  const dir = await mkdtemp(join(tmpdir(), `flowq-${process.pid}-`));
  removeAtExit(dir);
  return dir;
}

/** A link (`from`, in the work folder) to the folder that holds the data (`to`). */
export interface DataLink {
  readonly from: string;
  readonly to: string;
}

/**
 * Links the work folder to the data's folder: DuckDB expands glob characters (`*`, `?`, `[`) in the
 * paths it is given, and a folder name may hold them, so it reads the files through a link whose
 * path has none.
 */
export async function linkData(workDir: string, location: string): Promise<DataLink> {
  const link = { from: join(workDir, 'data'), to: resolve(location) };
  await symlink(link.to, link.from, 'dir');
  return link;
}

/** The path DuckDB reads a file by: under the link, free of glob characters. */
export function linkedPath(link: DataLink, path: string): string {
  return join(link.from, relative(link.to, path));
}
