import fc from 'fast-check';
import { MAX_CHALLENGE_HEADER, parseWwwAuthenticate } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a Bearer step-up challenge (RFC 9470 §3 example)', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          error: 'insufficient_user_authentication',
          error_description: 'A different authentication level is required',
          acr_values: 'myACR',
        },
        wellFormed: true,
      },
    ]);
  });

  it('reads several challenges in one header, each with its own parameters', () => {
    const parsed = parseWwwAuthenticate(
      'DPoP algs="ES256 PS256", error="use_dpop_nonce", Bearer realm="me", error="insufficient_user_authentication", max_age=5',
    );
    expect(parsed.map((c) => c.scheme)).toEqual(['dpop', 'bearer']);
    expect(parsed[0].params).toEqual({ algs: 'ES256 PS256', error: 'use_dpop_nonce' });
    expect(parsed[1].params).toEqual({
      realm: 'me',
      error: 'insufficient_user_authentication',
      max_age: '5',
    });
  });

  it('joins repeated header lines', () => {
    expect(parseWwwAuthenticate(['Basic realm="a"', 'Bearer error="x"']).map((c) => c.scheme)).toEqual([
      'basic',
      'bearer',
    ]);
  });

  it.each([
    [
      'quoted escapes',
      'Bearer error_description="say \\"hi\\" \\\\ there"',
      'error_description',
      'say "hi" \\ there',
    ],
    [
      'a comma inside quotes',
      'Bearer error_description="a, b=c, Basic d"',
      'error_description',
      'a, b=c, Basic d',
    ],
    ['spaces around "="', 'Bearer max_age = 300', 'max_age', '300'],
    ['upper-case names', 'BEARER ERROR="x"', 'error', 'x'],
    ['an empty quoted value', 'Bearer acr_values=""', 'acr_values', ''],
    ['tabs as whitespace', 'Bearer\terror="x"', 'error', 'x'],
    [
      'a token value',
      'Bearer error=insufficient_user_authentication',
      'error',
      'insufficient_user_authentication',
    ],
    ['empty list elements', ', ,Bearer error="x",, realm="r"', 'realm', 'r'],
    ['a parameter named __proto__', 'Bearer __proto__="x", error="e"', 'error', 'e'],
  ])('handles %s', (_name, header, param, value) => {
    expect(parseWwwAuthenticate(header)[0].params[param]).toBe(value);
  });

  it('reads token68 credentials and schemes without parameters', () => {
    expect(parseWwwAuthenticate('Negotiate abc+/def==, Basic, Bearer error="x"')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/def==', wellFormed: true },
      { scheme: 'basic', params: {}, wellFormed: true },
      { scheme: 'bearer', params: { error: 'x' }, wellFormed: true },
    ]);
  });

  it.each([
    ['a repeated parameter', 'Bearer error="a", error="insufficient_user_authentication"'],
    ['an unterminated quote', 'Bearer error="insufficient_user_authentication'],
    ['a missing value', 'Bearer realm="x", error=, max_age=5'],
    ['parameters without commas', 'Bearer error="x" max_age=5'],
    ['a stray quote after the scheme', 'Bearer "x"'],
    ['a control character in a quoted value', 'Bearer error="a\u0001b"'],
    ['garbage after a value', 'Bearer error="x" ; max_age=5'],
  ])('marks %s as not well formed', (_name, header) => {
    const [first] = parseWwwAuthenticate(header);
    expect(first.scheme).toBe('bearer');
    expect(first.wellFormed).toBe(false);
  });

  it.each([undefined, '', '   ', ',', '"quoted"', '=x'])('finds no challenge in %j', (header) => {
    expect(parseWwwAuthenticate(header)).toEqual([]);
  });

  it('does not parse an oversized header', () => {
    expect(parseWwwAuthenticate(`Bearer error="${'a'.repeat(MAX_CHALLENGE_HEADER)}"`)).toEqual([]);
  });

  it('never throws, and keeps parameter values free of control characters, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (header) => {
        for (const challenge of parseWwwAuthenticate(header)) {
          expect(challenge.scheme).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
          for (const value of Object.values(challenge.params)) {
            expect([...value].every((c) => c === '\t' || c.charCodeAt(0) >= 0x20)).toBe(true);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
