import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import type { Engine } from '../engines/engine.js';
import { openEngine } from '../engines/open.js';
import { readApiSettings, type ApiSettings } from './settings.js';

/** The handlers' collaborators: settings read once, a clock, and the engine, opened on first use. */
export interface Api {
  readonly settings: ApiSettings;
  readonly clock: Clock;
  engine(): Promise<Engine>;
}

/**
 * The handlers' collaborators for these settings. The engine is opened once per container; an
 * open that fails (say, a missing local folder) is tried again on the next request.
 */
export function createApi(settings: ApiSettings, clock: Clock = SYSTEM_CLOCK): Api {
  let opening: Promise<Engine> | undefined;
  return {
    settings,
    clock,
    engine() {
      opening ??= openEngine(settings.engine, clock).catch((error: unknown) => {
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
