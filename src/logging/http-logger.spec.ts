import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { accessLogger, logAccess, sanitizeUrl } from './http-logger.js';
import { createLogger } from './logger.js';

describe('sanitizeUrl', () => {
  it.each([
    [
      '/auth/callback?code=abc&state=def&iss=http%3A%2F%2Fx',
      '/auth/callback?code=[redacted]&state=[redacted]&iss=http%3A%2F%2Fx',
    ],
    [
      '/authorize?nonce=n&code_challenge=c&scope=openid',
      '/authorize?nonce=[redacted]&code_challenge=[redacted]&scope=openid',
    ],
    ['/oidc/logout?client_id=a&logout_hint=sid', '/oidc/logout?client_id=a&logout_hint=[redacted]'],
    ['/api/session', '/api/session'],
    ['', ''],
  ])('%s', (url, expected) => {
    expect(sanitizeUrl(url)).toBe(expected);
  });

  it.each([
    'code',
    'connect_code',
    'CONNECT_CODE',
    'user_code',
    'device_code',
    'state',
    'nonce',
    'code_verifier',
    'code_challenge',
    'request_uri',
    'access_token',
    'refresh_token',
    'id_token_hint',
    'logout_token',
    'token',
    'login_hint',
    'logout_hint',
    'client_secret',
    'client_assertion',
    'client_assertion_type',
    'assertion',
    'ticket',
    'auth_session',
    'authSession',
    'otp',
    'password',
    'api_key',
    'sid',
    'oidc.sid',
    'csrf',
    'signature',
  ])('redacts %s by rule', (name) => {
    expect(sanitizeUrl(`/x?${name}=s3cr3t-value`)).toBe(`/x?${encodeURIComponent(name)}=[redacted]`);
  });

  it.each(['returnTo', 'connection', 'scope', 'iss', 'client_id', 'error', 'prompt', 'consider'])(
    'keeps %s',
    (name) => {
      expect(sanitizeUrl(`/x?${name}=visible`)).toBe(`/x?${name}=visible`);
    },
  );

  it('redacts every repetition of a secret parameter and keeps the others', () => {
    expect(sanitizeUrl('/x?connect_code=a&connect_code=b&scope=s&scope=t')).toBe(
      '/x?connect_code=[redacted]&connect_code=[redacted]&scope=s&scope=t',
    );
  });

  it('keeps the scheme and host of absolute URLs', () => {
    expect(sanitizeUrl('http://localhost:4000/authorize?state=s')).toBe(
      'http://localhost:4000/authorize?state=[redacted]',
    );
  });
});

describe('logAccess on accessLogger', () => {
  function lines(level: string, write: (logger: Logger) => void): Record<string, unknown>[] {
    const out: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _e, done) => {
        out.push(chunk.toString());
        done();
      },
    });
    write(accessLogger(createLogger(level, sink)));
    return out
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('writes the request line with the URL sanitised, at info', () => {
    const [line] = lines('info', (logger) =>
      logAccess(logger, { id: 'r1', method: 'GET', url: '/api/me/v1/x?code=abc&page=2' }, 200, 3.4),
    );
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request completed',
      req: { id: 'r1', method: 'GET', url: '/api/me/v1/x?code=[redacted]&page=2' },
      res: { statusCode: 200 },
      responseTime: 3,
    });
  });

  it('below info: nothing for a success, one error line for a 5xx', () => {
    const written = lines('warn', (logger) => {
      logAccess(logger, { id: 'r1', method: 'GET', url: '/a' }, 200, 1);
      logAccess(logger, { id: 'r2', method: 'GET', url: '/b?state=s' }, 502, 1);
    });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ level: 'error', req: { id: 'r2', url: '/b?state=[redacted]' } });
  });

  it('the root logger keeps its redaction', () => {
    const [line] = lines('info', (access) => access.info('x'));
    expect(line.msg).toBe('x');
    const out: string[] = [];
    const root = createLogger(
      'info',
      new Writable({
        write: (chunk: Buffer, _e, done) => {
          out.push(chunk.toString());
          done();
        },
      }),
    );
    accessLogger(root);
    root.info({ access_token: 'secret-at' }, 'y');
    expect(out.join('')).not.toContain('secret-at');
  });
});
