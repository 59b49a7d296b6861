import { readCookieHeader, readCookiesByPrefix } from './cookie-header.js';

describe('readCookieHeader (RFC 6265 §4.2.1, §5.4)', () => {
  it.each([
    ['__Host-bff-tx=v', 'v'],
    ['a=1; __Host-bff-tx=v; b=2', 'v'],
    ['a=1;__Host-bff-tx=v', 'v'],
    ['a=1;\t__Host-bff-tx=v\t', 'v'],
    ['  __Host-bff-tx =  v  ', 'v'],
    ['__Host-bff-tx=first; __Host-bff-tx=second', 'first'],
    ['__Host-bff-tx=', ''],
    ['__Host-bff-tx=a=b', 'a=b'],
    // Look-alikes: only SP and HTAB are whitespace here; names compare byte for byte.
    ['\u00a0__Host-bff-tx=forged', undefined],
    ['a=1;\u00a0__Host-bff-tx=forged', undefined],
    ['__Host-bff-tx\u00a0=forged', undefined],
    ['\ufeff__Host-bff-tx=forged', undefined],
    ['\u2028__Host-bff-tx=forged', undefined],
    ['\u3000__Host-bff-tx=forged', undefined],
    ['\n__Host-bff-tx=forged', undefined],
    ['\v__Host-bff-tx=forged', undefined],
    ['__host-bff-tx=forged', undefined],
    ['x__Host-bff-tx=forged', undefined],
    ['__Host-bff-txx=forged', undefined],
    ['=v', undefined],
    ['', undefined],
  ])('%j → %j', (header, expected) => {
    expect(readCookieHeader(header, '__Host-bff-tx')).toBe(expected);
  });

  it('keeps a value exactly, stripping only SP/HTAB at its ends', () => {
    expect(readCookieHeader('n=\u00a0v\u00a0', 'n')).toBe('\u00a0v\u00a0');
  });

  it('is undefined without a header', () => {
    expect(readCookieHeader(undefined, 'n')).toBeUndefined();
  });
});

describe('readCookiesByPrefix', () => {
  it('finds exact-prefix names only, the first of duplicates', () => {
    const found = readCookiesByPrefix(
      '__Host-t.a=1; __Host-t.b=2; \u00a0__Host-t.c=3; __host-t.d=4; __Host-t.a=5',
      '__Host-t.',
    );
    expect([...found]).toEqual([
      ['__Host-t.a', '1'],
      ['__Host-t.b', '2'],
    ]);
  });
});
