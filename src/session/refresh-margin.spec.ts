import { isFresh, MAX_REFRESH_MARGIN_SECONDS, refreshMarginSeconds } from './refresh-margin.js';

describe('refresh margin: min(30 s, lifetime / 4)', () => {
  const issuedAt = 1_000_000;

  it.each([
    [3600, 30],
    [600, 30],
    [120, 30],
    [100, 25],
    [30, 7.5],
    [20, 5],
    [4, 1],
    [0, 0],
  ])('a token living %i s is refreshed %d s before it expires', (lifetime, margin) => {
    expect(refreshMarginSeconds({ issuedAt, expiresAt: issuedAt + lifetime })).toBe(margin);
  });

  it('keeps 30 s for a record without issuedAt', () => {
    expect(refreshMarginSeconds({ expiresAt: issuedAt + 20 })).toBe(MAX_REFRESH_MARGIN_SECONDS);
  });

  it('a 20 s token is fresh for its first 15 s, then refreshed', () => {
    const tokens = { issuedAt, expiresAt: issuedAt + 20 };
    for (let t = 0; t < 15; t++) expect(isFresh(tokens, issuedAt + t)).toBe(true);
    for (const t of [15, 16, 20, 25]) expect(isFresh(tokens, issuedAt + t)).toBe(false);
  });

  it('a one-hour token is fresh until 30 s before expiry', () => {
    const tokens = { issuedAt, expiresAt: issuedAt + 3600 };
    expect(isFresh(tokens, issuedAt + 3569)).toBe(true);
    expect(isFresh(tokens, issuedAt + 3570)).toBe(false);
  });

  it('a token issued already expired is never fresh', () => {
    expect(isFresh({ issuedAt, expiresAt: issuedAt }, issuedAt)).toBe(false);
  });
});
