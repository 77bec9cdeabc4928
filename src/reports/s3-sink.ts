import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { ReportObject, ReportSink } from './sink.js';

// One client per module; its endpoint follows the SDK's own AWS_ENDPOINT_URL_S3 when that is set.
// flowq does not retry report writes itself: the SDK's three attempts are the only retries.
const s3 = new S3Client({ maxAttempts: 3 });

/** Where and how a report is stored in S3. */
export interface S3SinkOptions {
  readonly bucket: string;
  /** SSE-KMS with this key; without it, the bucket's default encryption applies. */
  readonly kmsKeyId?: string;
}

/** A sink over an S3 bucket: PutObject with the content type, cache policy and encryption. */
export class S3Sink implements ReportSink {
  readonly options: S3SinkOptions;

  constructor(options: S3SinkOptions) {
    this.options = options;
  }

  async put(object: ReportObject): Promise<void> {
    const input: PutObjectCommandInput = {
      Bucket: this.options.bucket,
      Key: object.key,
      Body: object.body,
      ContentType: object.contentType,
      CacheControl: object.cacheControl,
    };
    const { kmsKeyId } = this.options;
    await s3.send(new PutObjectCommand(kmsKeyId === undefined ? input : { ...input, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const answer = await s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return answer.Body === undefined ? new Uint8Array() : await answer.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await s3.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  location(key: string): string {
    return `s3://${this.options.bucket}/${key}`;
  }
}
