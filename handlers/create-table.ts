import { onCreateTableEvent, type CreateTableOutcome } from '../src/catalog/custom-resource.js';
import { loadCatalogSettings } from '../src/catalog/settings.js';
import { awsEvent } from '../src/lambda/event.js';
import { lambdaHandler } from '../src/lambda/handler.js';

const settings = loadCatalogSettings(process.env);

/**
 * Creates or updates the flow-logs table: as the `Custom::FlowLogsTable` resource on deploy
 * (answering CloudFormation at its ResponseURL), or when invoked directly with `{}`.
 */
export const handler = lambdaHandler(awsEvent<CreateTableOutcome>(), (event, context) => onCreateTableEvent(event, context, settings));
