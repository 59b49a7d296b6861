import { ConnectFailed } from './connect-errors.js';
import {
  buildConnectedReturnTo,
  buildConnectPath,
  parseCallbackQuery,
  parseConnectQuery,
} from './connect-params.js';

const STATE = 'S'.repeat(43);

describe('parseConnectQuery', () => {
  it('keeps a plain connection name and a same-origin returnTo', () => {
    expect(parseConnectQuery({ connection: 'google-oauth2', returnTo: '/account?tab=1' })).toEqual({
      connection: 'google-oauth2',
      returnTo: '/account?tab=1',
    });
    expect(parseConnectQuery({ connection: 'a'.repeat(128) }).returnTo).toBe('/');
  });

  it.each([[undefined], [''], ['a'.repeat(129)], ['a b'], ['<x>'], ['a/b'], ['a%2Fb'], [['a', 'b']], ['é']])(
    'refuses the connection %j with the 400 page',
    (connection) => {
      expect(() => parseConnectQuery({ connection })).toThrow(ConnectFailed);
      try {
        parseConnectQuery({ connection });
      } catch (err) {
        expect(err).toMatchObject({ status: 400, html: true, code: 'invalid_request' });
      }
    },
  );

  it.each([
    ['https://evil.example'],
    ['//evil.example'],
    ['/\\evil'],
    ['/%2F%2Fevil'],
    [['/a', '/b']],
    ['javascript:x'],
  ])('turns the returnTo %j into /', (returnTo) => {
    expect(parseConnectQuery({ connection: 'c', returnTo }).returnTo).toBe('/');
  });
});

describe('buildConnectPath / buildConnectedReturnTo', () => {
  it('builds this navigation again, every value encoded', () => {
    expect(buildConnectPath({ connection: 'c-1', returnTo: '/a?b=1&c=2' })).toBe(
      '/auth/connect?connection=c-1&returnTo=%2Fa%3Fb%3D1%26c%3D2',
    );
  });

  it.each([
    ['/', '/?connected=c'],
    ['/account', '/account?connected=c'],
    ['/account?tab=x', '/account?tab=x&connected=c'],
    ['/account?connected=old#top', '/account?connected=c#top'],
  ])('adds connected= to %s', (returnTo, expected) => {
    expect(buildConnectedReturnTo(returnTo, 'c')).toBe(expected);
  });
});

describe('parseCallbackQuery', () => {
  it('reads connect_code and state', () => {
    expect(parseCallbackQuery({ connect_code: 'abc_-.~1', state: STATE })).toEqual({
      kind: 'code',
      state: STATE,
      connectCode: 'abc_-.~1',
    });
  });

  it('reads an error, keeping only plain error codes and issued-looking states', () => {
    expect(parseCallbackQuery({ error: 'access_denied', state: STATE })).toEqual({
      kind: 'error',
      state: STATE,
      error: 'access_denied',
    });
    expect(parseCallbackQuery({ error: '<script>', state: '<b>' })).toEqual({
      kind: 'error',
      state: undefined,
      error: undefined,
    });
  });

  it.each([
    [{ state: STATE }],
    [{ connect_code: 'x' }],
    [{ connect_code: 'x', state: 'short' }],
    [{ connect_code: 'x'.repeat(47), state: STATE }],
    [{ connect_code: 'a b', state: STATE }],
    [{ connect_code: ['a', 'b'], state: STATE }],
    [{}],
  ])('refuses an incomplete or odd answer %j', (query) => {
    expect(() => parseCallbackQuery(query)).toThrow(ConnectFailed);
  });
});
