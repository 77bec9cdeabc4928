import type { ResultDocument } from '../engines/engine.js';
import { counted, humanBytes } from './units.js';

/** `2 partitions (2026/11/26 only for the late margin)`: what a question read, and what the margin added. */
function describePartitions(all: readonly string[], marginOnly: readonly string[], baselineOnly: readonly string[] = []): string {
  const read = `${all.length} partition${all.length === 1 ? '' : 's'}`;
  const which = (list: readonly string[]) => (list.length === 1 ? list[0] : `${list.length} of them`);
  const extras = [
    ...(baselineOnly.length === 0 ? [] : [`${which(baselineOnly)} only for the baseline`]),
    ...(marginOnly.length === 0 ? [] : [`${which(marginOnly)} only for the late margin`]),
  ];
  return extras.length === 0 ? read : `${read} (${extras.join('; ')})`;
}

/** A one-line summary of what a query cost: rows, files or data scanned, partitions, time. */
export function renderStats(doc: Pick<ResultDocument, 'stats'>): string {
  const s = doc.stats;
  const parts = [counted(s.rowsReturned, 'row')];
  if (s.filesRead !== undefined) parts.push(`${counted(s.filesRead, 'file')}, ${humanBytes(s.bytesRead ?? 0)} read`);
  if (s.dataScannedBytes !== undefined) parts.push(`${humanBytes(s.dataScannedBytes)} scanned`);
  if (s.costUsd !== undefined) parts.push(`$${s.costUsd.toFixed(6)}`);
  if (s.reused) parts.push('reused result');
  if (s.partitions !== undefined) parts.push(describePartitions(s.partitions, s.marginPartitions ?? [], s.baselinePartitions));
  parts.push(`${s.elapsedMs} ms`);
  return parts.join(', ');
}
