import { intEnv, readCorsOrigins, type Env } from '../config.js';
import { InvalidConfiguration } from '../errors.js';
import { readEngineSettings, type EngineSettings } from '../engines/open.js';

/** Everything the query handlers read from the environment, once. */
export interface ApiSettings {
  readonly engine: EngineSettings;
  /** How long `POST /queries/{name}` waits before answering 202; below API Gateway's 30 s. */
  readonly syncBudgetMs: number;
  /** How much of a direct invocation's remaining time is kept back to stop the query and answer. */
  readonly invokeMarginMs: number;
  /** Origins allowed by CORS; empty means no CORS headers at all. */
  readonly corsOrigins: readonly string[];
}

export const DEFAULT_SYNC_BUDGET_MS = 20_000;
export const DEFAULT_INVOKE_MARGIN_MS = 3_000;
/** API Gateway's integration timeout, less room to answer. */
const MAX_SYNC_BUDGET_MS = 28_000;

/**
 * Reads the query handlers' settings: the engine's (see {@link readEngineSettings}), and
 * `FLOWQ_SYNC_BUDGET_MS`, `FLOWQ_INVOKE_MARGIN_MS`, `FLOWQ_CORS_ORIGINS`.
 * @throws InvalidConfiguration naming the variable that is missing or malformed.
 */
export function readApiSettings(env: Env = process.env): ApiSettings {
  const syncBudgetMs = intEnv(env, 'FLOWQ_SYNC_BUDGET_MS', DEFAULT_SYNC_BUDGET_MS);
  if (syncBudgetMs > MAX_SYNC_BUDGET_MS) {
    throw new InvalidConfiguration(
      `environment variable FLOWQ_SYNC_BUDGET_MS must stay below API Gateway's 30 s (at most ${MAX_SYNC_BUDGET_MS}), not ${syncBudgetMs}`,
    );
  }
  return {
    engine: readEngineSettings(env),
    syncBudgetMs,
    invokeMarginMs: intEnv(env, 'FLOWQ_INVOKE_MARGIN_MS', DEFAULT_INVOKE_MARGIN_MS),
    corsOrigins: readCorsOrigins(env),
  };
}
