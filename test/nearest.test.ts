import fc from 'fast-check';
import { editDistance, nearest } from '../src/nearest.js';
import { TEMPLATES } from '../src/queries/templates.js';

/** Levenshtein distance with swaps, by the textbook recursion: an oracle apart from the table the code fills. */
function slowDistance(a: string, b: string): number {
  if (a === '') return b.length;
  if (b === '') return a.length;
  const options = [slowDistance(a.slice(1), b) + 1, slowDistance(a, b.slice(1)) + 1, slowDistance(a.slice(1), b.slice(1)) + (a[0] === b[0] ? 0 : 1)];
  if (a.length > 1 && b.length > 1 && a[0] === b[1] && a[1] === b[0]) options.push(slowDistance(a.slice(2), b.slice(2)) + 1);
  return Math.min(...options);
}

describe('nearest', () => {
  it('measures the distance the recursion defines', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 }),
        (a, b) => {
          expect(editDistance(a, b)).toBe(slowDistance(a, b));
        },
      ),
    );
  });

  it('finds every template name again after one typing slip, unless another name is as near', () => {
    const names = [...TEMPLATES.keys()];
    for (const name of names) {
      for (let i = 0; i < name.length; i++) {
        const slip = name.slice(0, i) + name.slice(i + 1);
        const others = names.filter((n) => n !== name && editDistance(slip, n) <= 1);
        expect([slip, nearest(slip, names)]).toEqual([slip, others.length === 0 ? name : undefined]);
      }
    }
  });

  it.each([
    ['rn', ['queries', 'run', 'sql', 'sample', 'report', 'demo', 'catalog'], 'run'],
    ['talkers', [...TEMPLATES.keys()], 'top-talkers'],
    ['top', [...TEMPLATES.keys()], undefined],
    ['colour', ['start', 'end', 'limit', 'output', 'data'], undefined],
    ['', ['a'], undefined],
  ])('suggests for %j among %j: %j', (typed, candidates, expected) => {
    expect(nearest(typed, candidates)).toBe(expected);
  });
});
