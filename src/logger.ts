import { Logger } from '@aws-lambda-powertools/logger';

/** The one Powertools Logger every handler and module logs through (JSON lines, level from POWERTOOLS_LOG_LEVEL). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'flowq' });
