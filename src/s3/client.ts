import { CLIENT_CONFIG, lazyClient } from '../aws/clients.js';

/** flowq's one S3 client (listings, report objects), made on first use with {@link CLIENT_CONFIG}'s settings. */
export const s3Client = lazyClient(
  () => import('@aws-sdk/client-s3'),
  (sdk) => new sdk.S3Client(CLIENT_CONFIG.s3),
);
