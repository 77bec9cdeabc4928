import { humanBytes } from '../../src/format/units.js';

describe('humanBytes', () => {
  it('shows bytes in decimal units with one decimal', () => {
    expect([0, 999, 1000, 1234, 999_949, 999_950, 1_250_000, 1.2e9, 999_999_999_999, 3.4e12, 5e15, 7e18].map(humanBytes)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '1.2 kB',
      '999.9 kB',
      '1.0 MB',
      '1.3 MB',
      '1.2 GB',
      '1.0 TB',
      '3.4 TB',
      '5.0 PB',
      '7000.0 PB',
    ]);
  });
});
