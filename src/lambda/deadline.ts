import { SYSTEM_CLOCK, type Clock } from '../clock.js';

/** The part of the Lambda context that says how long the function has left. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/**
 * When a handler's work must be done, in epoch milliseconds: the function's remaining time less
 * `marginMs`, kept back to stop the work and answer before Lambda stops the function.
 */
export function deadlineFrom(context: RemainingTime, marginMs: number, clock: Clock = SYSTEM_CLOCK): number {
  return clock.now() + context.getRemainingTimeInMillis() - marginMs;
}
