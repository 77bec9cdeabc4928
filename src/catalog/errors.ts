import { FlowqError } from '../errors.js';

/** The catalog already holds something flowq will not overwrite: a table whose partition keys differ and that has partitions. */
export class CatalogConflict extends FlowqError {
  override readonly code = 'CATALOG_CONFLICT';
}

/** A Lambda event that is none of the shapes a catalog handler accepts, or is missing a field it needs. */
export class InvalidEvent extends FlowqError {
  override readonly code = 'INVALID_EVENT';
}
