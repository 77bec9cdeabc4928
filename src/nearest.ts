/**
 * The candidate nearest to what someone typed, when one is near enough to be what they meant: at
 * most a third of the longer word's letters apart (insertions, deletions, substitutions and swaps of
 * two neighbours count one each), a prefix of at least three letters, or one of the other's
 * dash-separated words. Undefined when none is, or when two are equally near.
 */
export function nearest(typed: string, candidates: Iterable<string>): string | undefined {
  const word = typed.toLowerCase();
  if (word.length === 0 || word.length > 100) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    let d = editDistance(word, c);
    if (d > Math.max(1, Math.floor(Math.max(word.length, c.length) / 3))) {
      // `talkers` for `top-talkers`, `top` for `top-talkers` (but then it ties with every top-*).
      const near = (word.length >= 3 && c.startsWith(word)) || c.split('-').includes(word);
      if (!near) continue;
      d = Math.max(word.length, c.length);
    }
    if (d < bestDistance) [best, bestDistance, tie] = [candidate, d, false];
    else if (d === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}

/** Optimal string alignment distance: Levenshtein's, with a swap of two neighbours as one edit. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}
