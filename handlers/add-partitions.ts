import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { onAddPartitionsEvent, type AddPartitionsRun } from '../src/catalog/add-partitions-event.js';
import { loadCatalogSettings } from '../src/catalog/settings.js';
import { logger } from '../src/logger.js';

const settings = loadCatalogSettings(process.env);

/**
 * Keeps the table's partitions current: the daily schedule adds yesterday's to tomorrow's, a direct
 * invocation with `{"from": ..., "to": ...}` backfills a range, and S3 notifications add the
 * partitions of newly delivered files.
 */
export const handler = middy<unknown, AddPartitionsRun, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler((event) => onAddPartitionsEvent(event, settings));
