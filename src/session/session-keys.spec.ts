import { SessionKeys, sessionHandle } from './session-keys.js';

const keys = new SessionKeys('bff:');
const sid = 'S'.repeat(43);

/** The hash tags of a key as Redis Cluster reads them: the text between the first `{` and the next `}`. */
function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : undefined;
}

// Every key the BFF writes, as docs/architecture.md#the-redis-keyspace lists it. The literal values pin
// the names: a change would orphan the keys a running deployment already holds.
const EVERY_KEY: [string, string, string | RegExp][] = [
  ['session', keys.session(sid), `bff:{${sid}}:sess`],
  ['tokens', keys.tokens(sid), `bff:{${sid}}:tokens`],
  ['tombstone', keys.tombstone(sid), `bff:{${sid}}:dead`],
  ['lock', keys.lock(sid), `bff:{${sid}}:lock`],
  ['bySub', keys.bySub('auth0|a}b'), 'bff:{sub:auth0%7Ca%7Db}:sessions'],
  ['byOidcSid', keys.byOidcSid('x}y'), 'bff:{oidcsid:x%7Dy}:sessions'],
  ['usedJti', keys.usedJti('https://issuer/', 'j}1'), /^bff:\{jti:[A-Za-z0-9_-]{43}\}$/],
  ['stepUpAttempts', keys.stepUpAttempts(sid), /^bff:\{stepup:[A-Za-z0-9_-]{43}\}$/],
  ['connectTransaction', keys.connectTransaction('st4te'), 'bff:{connect:st4te}'],
  ['passkeyLogin', keys.passkeyLogin('h}andle'), /^bff:\{pk:[A-Za-z0-9_-]{43}\}$/],
  ['rateLimit', keys.rateLimit('login', 'ip:10.0.0.1'), /^bff:\{rl:login:[A-Za-z0-9_-]{22}\}$/],
];

describe('SessionKeys (the Redis keyspace)', () => {
  it.each(EVERY_KEY)('%s: keeps its name', (_name, key, expected) => {
    if (typeof expected === 'string') expect(key).toBe(expected);
    else expect(key).toMatch(expected);
  });

  it.each(EVERY_KEY)('%s: starts with the prefix and has exactly one hash tag', (_name, key) => {
    expect(key.startsWith('bff:')).toBe(true);
    expect(key.match(/\{/g)).toHaveLength(1);
    expect(key.match(/\}/g)).toHaveLength(1);
    expect(hashTag(key)).toBeTruthy();
  });

  it("puts everything about one session in the session id's slot", () => {
    const tags = [keys.session(sid), keys.tokens(sid), keys.tombstone(sid), keys.lock(sid)].map(hashTag);
    expect(new Set(tags)).toEqual(new Set([sid]));
  });

  it('keeps the step-up record of a session apart from other sessions, without its id in clear', () => {
    const other = 'T'.repeat(43);
    expect(keys.stepUpAttempts(sid)).not.toBe(keys.stepUpAttempts(other));
    expect(keys.stepUpAttempts(sid)).not.toContain(sid);
    expect(keys.stepUpAttempts(sid)).not.toContain(sessionHandle(sid));
  });

  it('stores no rate-limit subject in clear', () => {
    expect(keys.rateLimit('login', 'ip:10.0.0.1')).not.toContain('10.0.0.1');
    expect(keys.rateLimit('login', 'ip:10.0.0.1')).not.toBe(keys.rateLimit('login', 'ip:10.0.0.2'));
  });
});
