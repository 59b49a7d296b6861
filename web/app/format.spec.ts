import {
  canRename,
  describeMfa,
  describeUserAgent,
  groupCode,
  methodDetail,
  methodLabel,
  relativeTime,
  visibleMethods,
} from './format.js';

const now = Date.parse('2026-01-10T12:00:00Z');
const ago = (s: number) => new Date(now - s * 1000).toISOString();

describe('relativeTime', () => {
  it.each([
    [10, 'just now'],
    [120, '2 minutes ago'],
    [3 * 3600, '3 hours ago'],
    [24 * 3600, 'yesterday'],
    [3 * 24 * 3600, '3 days ago'],
    [-300, 'in 5 minutes'],
  ])('%i seconds ago reads "%s"', (seconds, text) => {
    expect(relativeTime(ago(seconds), now)).toBe(text);
  });

  it('does not invent a date for garbage', () => {
    expect(relativeTime('not a date', now)).toBe('at an unknown time');
  });
});

describe('describeMfa', () => {
  it('is fresh while fresh_until lies ahead', () => {
    expect(describeMfa({ last_mfa_at: ago(120), fresh_until: ago(-180) }, now)).toEqual({
      fresh: true,
      text: 'Verified 2 minutes ago',
    });
  });

  it('asks to re-verify once fresh_until has passed', () => {
    expect(describeMfa({ last_mfa_at: ago(3600), fresh_until: ago(3300) }, now)).toEqual({
      fresh: false,
      text: 'Verified 1 hour ago: re-verify needed for changes',
    });
  });

  it('asks to re-verify when there was no MFA at all', () => {
    expect(describeMfa({ last_mfa_at: null, fresh_until: null }, now)).toEqual({
      fresh: false,
      text: 'Re-verify needed for changes',
    });
  });
});

describe('methods', () => {
  const base = { created_at: ago(60) };
  it('labels every My Account factor type and passes unknown ones through', () => {
    expect(methodLabel('totp')).toBe('Authenticator app');
    expect(methodLabel('recovery-code')).toBe('Recovery code');
    expect(methodLabel('passkey')).toBe('Passkey');
    expect(methodLabel('future-type')).toBe('future-type');
  });

  it('describes a method by its name first, then what identifies it', () => {
    expect(methodDetail({ ...base, id: 'a', type: 'email', email: 'a@b.c', name: 'Work' })).toBe('Work');
    expect(methodDetail({ ...base, id: 'a', type: 'email', email: 'a@b.c' })).toBe('a@b.c');
    expect(
      methodDetail({
        ...base,
        id: 'p',
        type: 'phone',
        phone_number: '+1555',
        preferred_authentication_method: 'voice',
      }),
    ).toBe('+1555 (voice call)');
    expect(
      methodDetail({ ...base, id: 'k', type: 'passkey', user_agent: 'Chrome 131.0.0 / Mac OS X 10.15.7' }),
    ).toBe('Created on Chrome on macOS');
    expect(
      methodDetail({
        ...base,
        id: 'k',
        type: 'passkey',
        user_agent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      }),
    ).toBe('Created on Chrome on Linux');
    expect(methodDetail({ ...base, id: 't', type: 'totp', name: 'Authenticator app' })).toBe('');
    expect(methodDetail({ ...base, id: 't', type: 'totp' })).toBe('');
  });

  it('hides unconfirmed methods (confirmed: false) but keeps primary ones that have no confirmed field', () => {
    const list = [
      { ...base, id: '1', type: 'totp', confirmed: false },
      { ...base, id: '2', type: 'totp', confirmed: true },
      { ...base, id: '3', type: 'passkey' },
    ];
    expect(visibleMethods(list).map((m) => m.id)).toEqual(['2', '3']);
  });

  it('offers rename except for password and recovery code', () => {
    expect(canRename({ ...base, id: '1', type: 'totp' })).toBe(true);
    expect(canRename({ ...base, id: '1', type: 'password' })).toBe(false);
    expect(canRename({ ...base, id: '1', type: 'recovery-code' })).toBe(false);
  });
});

describe('describeUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      'Chrome on Linux',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
      'Firefox on Windows',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Edg/130.0',
      'Edge on Windows',
    ],
    ['curl/8.5.0', 'curl'],
    ['Chrome 131.0.0 / Mac OS X 10.15.7', 'Chrome on macOS'],
    [null, 'Unknown device'],
    ['something odd', 'something odd'],
  ])('%s → %s', (ua, text) => {
    expect(describeUserAgent(ua)).toBe(text);
  });
});

it('groupCode splits a setup key into groups of four', () => {
  expect(groupCode('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
  expect(groupCode('ABCDE')).toBe('ABCD E');
  expect(groupCode('')).toBe('');
});
