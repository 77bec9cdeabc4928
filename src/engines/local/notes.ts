import { skippedFoldersNote } from '../../flowlog/layout.js';
import type { RenderedQuery } from '../../queries/render.js';
import type { LocalFile } from './scan.js';

/** `a, b to d, f`: runs of consecutive partitions written as ranges. */
function describePartitions(all: readonly string[], missing: ReadonlySet<string>): string {
  const runs: string[] = [];
  for (let i = 0; i < all.length; i++) {
    if (!missing.has(all[i])) continue;
    let j = i;
    while (j + 1 < all.length && missing.has(all[j + 1])) j++;
    runs.push(i === j ? all[i] : `${all[i]} to ${all[j]}`);
    i = j;
  }
  return runs.join(', ');
}

/** What the notes of an answer are drawn from: the engine's files and those of the query's range, where they are, the folders skipped. */
export interface NoteContext {
  readonly files: readonly LocalFile[];
  readonly selected: readonly LocalFile[];
  /** The data's location, ending in `/`. */
  readonly location: string;
  readonly skippedFolders: readonly string[];
}

/** The notes an answer carries: a baseline that begins before the data, skipped folders, and the partitions of the range that hold no file. */
export function answerNotes(query: RenderedQuery, context: NoteContext): string[] {
  return [
    ...baselineNotes(query, context.files),
    ...(context.skippedFolders.length === 0 ? [] : [skippedFoldersNote(context.skippedFolders)]),
    ...partitionNotes(query, context.selected, context.location),
  ];
}

/**
 * A note when a template's baseline begins before the data set's first partition: what the range holds is then
 * new only relative to the days there are, not to the whole baseline.
 */
function baselineNotes(query: RenderedQuery, files: readonly LocalFile[]): string[] {
  const baseline = query.partitionsRead?.baselineOnly;
  if (baseline === undefined || baseline.length === 0) return [];
  const first = files.reduce<string | undefined>((min, f) => (min === undefined || f.key.dt < min ? f.key.dt : min), undefined);
  // Data that begin after the range leave the answer empty, which the partition notes say.
  if (first === undefined || first <= baseline[0] || first > query.partitions.to) return [];
  const days = String(query.params.baseline_days);
  return [
    `the ${days}-day baseline begins at partition ${baseline[0]}, before the first partition with flow logs (${first}): ` +
      `what the range holds is compared only with what there is from ${first} on, so more of it may be reported as new or changed`,
  ];
}

/** Notes on the partitions of the range (baseline aside) that hold no file under the location. */
function partitionNotes(query: RenderedQuery, selected: readonly LocalFile[], location: string): string[] {
  const { from, to } = query.partitions;
  const present = new Set(selected.map((f) => f.key.dt));
  // The partitions the renderer listed; a statement over every partition lists none. A baseline's are the
  // baseline note's concern.
  const baseline = new Set(query.partitionsRead?.baselineOnly ?? []);
  const all = (query.partitionsRead?.all ?? []).filter((dt) => !baseline.has(dt));
  const missing = new Set(all.filter((dt) => !present.has(dt)));
  if (missing.size === 0) return [];
  const where = `${location}AWSLogs`;
  if (missing.size === all.length) return [`no flow-log files for partitions ${all[0] ?? from} to ${all.at(-1) ?? to} under ${where}: the answer is empty`];
  return [`no flow-log files for partition${missing.size === 1 ? '' : 's'} ${describePartitions(all, missing)} under ${where}`];
}
