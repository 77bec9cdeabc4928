import { AthenaEngine } from '../engines/athena.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import type { Engine } from '../engines/engine.js';
import type { RenderTarget } from '../queries/render.js';
import { readApiSettings, type ApiSettings } from './settings.js';

/** What the query handlers run templates with: an engine and the table it renders them for. */
export interface QueryBackend {
  readonly engine: Engine;
  readonly target: RenderTarget;
  /** Present when the engine keeps executions that can be fetched later by id (Athena). */
  readonly executions?: AthenaEngine;
}

/** The handlers' collaborators: settings read once, a clock, and the backend, opened on first use. */
export interface Api {
  readonly settings: ApiSettings;
  readonly clock: Clock;
  backend(): Promise<QueryBackend>;
}

async function openBackend(settings: ApiSettings, clock: Clock): Promise<QueryBackend> {
  const limits = { maxRangeDays: settings.query.maxRangeDays };
  const { lateMarginSeconds } = settings.query;
  if (settings.engine.kind === 'athena') {
    const { athena } = settings.engine;
    const engine = new AthenaEngine(athena, clock);
    return { engine, executions: engine, target: { table: athena.table, layout: athena.layout, logFormat: athena.logFormat, lateMarginSeconds, limits } };
  }
  // Loaded only in local mode, so DuckDB never has to be in a Lambda package.
  const { openLocalEngine } = await import('../engines/local.js');
  const engine = await openLocalEngine(settings.engine.local);
  return { engine, target: { table: engine.table, layout: engine.source, logFormat: engine.source.logFormat, lateMarginSeconds, limits } };
}

/**
 * The handlers' collaborators for these settings. The backend is opened once per container; an
 * open that fails (say, a missing local folder) is tried again on the next request.
 */
export function createApi(settings: ApiSettings, clock: Clock = SYSTEM_CLOCK): Api {
  let opening: Promise<QueryBackend> | undefined;
  return {
    settings,
    clock,
    backend() {
      opening ??= openBackend(settings, clock).catch((error: unknown) => {
        opening = undefined;
        throw error;
      });
      return opening;
    },
  };
}

let shared: Api | undefined;

/**
 * The collaborators from the environment, read at a handler's cold start so that a missing or
 * malformed variable fails there, naming it.
 * @throws InvalidConfiguration naming the variable.
 */
export function apiFromEnvironment(): Api {
  shared ??= createApi(readApiSettings(process.env));
  return shared;
}
