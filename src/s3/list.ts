import { s3Client } from './client.js';

/** An object as a listing shows it. */
export interface S3Object {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

/** What a listing of a prefix holds: its objects and, listed one level deep, the folders directly below it. */
export interface S3Listing {
  readonly objects: readonly S3Object[];
  /** Full key prefixes ending with `/` (`AWSLogs/111122223333/`); empty unless listed one level deep. */
  readonly folders: readonly string[];
}

/**
 * Lists a prefix with ListObjectsV2 on the shared S3 client, page after page: every object under it,
 * or with `oneLevel` only the objects directly in it and the folders below it (a `/` delimiter), so
 * a folder's contents are never listed. A page that says it is truncated but gives no continuation
 * token ends the listing. Entries without a key, ETag or size are left out. SDK errors pass through
 * as they are, for the caller to name the bucket and prefix.
 */
export async function listObjects(bucket: string, prefix: string, options: { readonly oneLevel?: boolean } = {}): Promise<S3Listing> {
  const { sdk, client } = await s3Client();
  const objects: S3Object[] = [];
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: options.oneLevel ? '/' : undefined, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined && o.ETag !== undefined && o.Size !== undefined) objects.push({ key: o.Key, etag: o.ETag, size: o.Size });
    }
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) folders.push(p.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return { objects, folders };
}
