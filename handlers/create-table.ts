import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { onCreateTableEvent, type CreateTableOutcome } from '../src/catalog/custom-resource.js';
import { loadCatalogSettings } from '../src/catalog/settings.js';
import { logger } from '../src/logger.js';

const settings = loadCatalogSettings(process.env);

/**
 * Creates or updates the flow-logs table: as the `Custom::FlowLogsTable` resource on deploy
 * (answering CloudFormation at its ResponseURL), or when invoked directly with `{}`.
 */
export const handler = middy<unknown, CreateTableOutcome, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => onCreateTableEvent(event, context, settings));
