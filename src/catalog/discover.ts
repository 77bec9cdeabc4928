import type { Layout } from '../flowlog/layout.js';
import type { Source } from '../flowlog/source.js';
import { mapLimit } from '../pool.js';
import { listObjects } from '../s3/list.js';
import { parseS3Location } from '../s3/location.js';
import type { CatalogSettings } from './settings.js';
import { ACCOUNT_ID, REGION } from '../aws/ids.js';

/** One account's logs from one region: the pair the first two partition keys name. */
export interface AccountRegion {
  readonly account: string;
  readonly region: string;
}

/** How many S3 listings run at once, here and in the S3 mirror. */
export const LISTING_CONCURRENCY = 4;

/** The names of the "folders" directly under a prefix, read with a delimiter so no object is listed. */
export async function listFolders(bucket: string, prefix: string): Promise<string[]> {
  const { folders } = await listObjects(bucket, prefix, { oneLevel: true });
  return folders.filter((folder) => folder.startsWith(prefix)).map((folder) => folder.slice(prefix.length).replace(/\/$/, ''));
}

/** How the account and region folders are named in a layout. */
function folderNames(layout: Layout) {
  return layout.hiveCompatiblePartitions
    ? {
        account: new RegExp(`^aws-account-id=(${ACCOUNT_ID})$`),
        regionsUnder: (account: string) => `AWSLogs/aws-account-id=${account}/aws-service=vpcflowlogs/`,
        region: new RegExp(`^aws-region=(${REGION})$`),
      }
    : {
        account: new RegExp(`^(${ACCOUNT_ID})$`),
        regionsUnder: (account: string) => `AWSLogs/${account}/vpcflowlogs/`,
        region: new RegExp(`^(${REGION})$`),
      };
}

function matching(names: readonly string[], pattern: RegExp): string[] {
  return names.flatMap((name) => pattern.exec(name)?.[1] ?? []).sort();
}

/** The accounts among the folder names directly under `AWSLogs/` that are named as in a layout. */
export function accountsIn(names: readonly string[], layout: Layout): string[] {
  return matching(names, folderNames(layout).account);
}

/** Lists the accounts that have folders under `AWSLogs/` in the Source's layout. */
export async function discoverAccounts(source: Source): Promise<string[]> {
  const { bucket, prefix } = parseS3Location(source.location);
  return accountsIn(await listFolders(bucket, `${prefix}AWSLogs/`), source);
}

/** Lists the regions one account has flow-log folders for. */
export async function discoverRegions(bucket: string, prefix: string, layout: Layout, account: string): Promise<string[]> {
  const names = folderNames(layout);
  return matching(await listFolders(bucket, `${prefix}${names.regionsUnder(account)}`), names.region);
}

/**
 * The account-region pairs to keep partitions for. Listed accounts and regions are taken as given
 * (every combination); whatever is not listed is discovered from the folders under `AWSLogs/`.
 */
export async function resolveAccountRegions(settings: CatalogSettings): Promise<AccountRegion[]> {
  const { source } = settings;
  const { bucket, prefix } = parseS3Location(source.location);
  const accounts = settings.accounts.length > 0 ? settings.accounts : await discoverAccounts(source);
  const perAccount = await mapLimit(accounts, LISTING_CONCURRENCY, async (account) => {
    const regions = settings.regions.length > 0 ? settings.regions : await discoverRegions(bucket, prefix, source, account);
    return regions.map((region) => ({ account, region }));
  });
  return perAccount.flat();
}
