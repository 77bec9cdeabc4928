/**
 * Work in flight that an ending process must stop first: a DuckDB query (a process cannot exit while
 * DuckDB runs one), an Athena execution (which would run on, and cost, after the terminal is gone).
 * Engines register each run here; the CLI stops them all on SIGINT and SIGTERM, then exits.
 */
const inFlight = new Set<() => Promise<void> | void>();

/**
 * Registers how to stop one piece of work; call the returned function once it has ended.
 * @param stop stops the work; its promise settles once the work has stopped.
 */
export function stopOnExit(stop: () => Promise<void> | void): () => void {
  const entry = () => stop();
  inFlight.add(entry);
  return () => inFlight.delete(entry);
}

/** Stops every piece of work in flight and waits until they have stopped, for `waitMs` at most. */
export async function stopWorkInFlight(waitMs = 700): Promise<void> {
  const stops = [...inFlight].map(async (stop) => {
    try {
      await stop();
    } catch {
      // Stopping is best effort: the process ends anyway.
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(stops), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
}
