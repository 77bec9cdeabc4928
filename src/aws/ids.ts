/** How AWS writes an account id and a region name, for the flags, settings and S3 folders that hold them. */

/** A 12-digit account id, as a regular-expression source. */
export const ACCOUNT_ID = String.raw`\d{12}`;

/** A region name (`us-east-1`, `us-gov-west-1`, `ap-southeast-4`), as a regular-expression source. */
export const REGION = String.raw`[a-z]{2}(?:-[a-z]+)+-\d{1,2}`;

const WHOLE_ACCOUNT_ID = new RegExp(`^${ACCOUNT_ID}$`);
const WHOLE_REGION = new RegExp(`^${REGION}$`);

export function isAccountId(text: string): boolean {
  return WHOLE_ACCOUNT_ID.test(text);
}

export function isRegion(text: string): boolean {
  return WHOLE_REGION.test(text);
}
