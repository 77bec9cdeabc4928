import { onAddPartitionsEvent, type AddPartitionsRun } from '../src/catalog/add-partitions-event.js';
import { loadCatalogSettings } from '../src/catalog/settings.js';
import { awsEvent } from '../src/lambda/event.js';
import { lambdaHandler } from '../src/lambda/handler.js';

const settings = loadCatalogSettings(process.env);

/**
 * Keeps the table's partitions current: the daily schedule adds yesterday's to tomorrow's, a direct
 * invocation with `{"from": ..., "to": ...}` backfills a range, and S3 notifications add the
 * partitions of newly delivered files.
 */
export const handler = lambdaHandler(awsEvent<AddPartitionsRun>(), (event) => onAddPartitionsEvent(event, settings));
