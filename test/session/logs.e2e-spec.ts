import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger.js';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { createTokenTamper, type TokenTamper } from '../support/token-tamper.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_USER } from '../support/seed-users.js';

let tamper: TokenTamper;
const lines: string[] = [];
const stackOptions = async (): Promise<TestStackOptions> => {
  tamper = await createTokenTamper();
  const sink = new Writable({
    write: (chunk, _enc, done) => void (lines.push(...String(chunk).split('\n').filter(Boolean)), done()),
  });
  return {
    bff: { oidcFetch: tamper.fetch, logger: createLogger('debug', sink) },
  };
};

describeWithStack('logs', stackOptions, (stack) => {
  it('are JSON with a request id and audit events, and never hold a token, a code, a cookie or a secret', async () => {
    const client = new CookieClient();
    const start = await client.get(`${stack.bff.url}/auth/login`);
    const { completeTenantLogin } = await import('../support/tenant-login.js');
    const callback = await completeTenantLogin(client, start.location as string, DEMO_USER);
    const code = new URL(callback).searchParams.get('code') as string;
    const authorize = new URL(start.location as string).searchParams;
    const flowSecrets = ['state', 'nonce', 'code_challenge'].map((name) => authorize.get(name) as string);
    await client.get(callback, { headers: { 'x-request-id': 'trace-me-1' } });
    const cookie = client.cookies(stack.bff.url)['__Host-bff'];
    await client.get(`${stack.bff.url}/api/session`, {
      headers: { 'x-csrf': '1', authorization: 'Bearer eyJ.secret.header', dpop: 'eyJ.dpop.proof' },
    });
    await client.post(`${stack.bff.url}/auth/logout`, { headers: { 'x-csrf': '1' } });
    await loginThroughBff(new CookieClient(), stack.bff.url);

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.some((l) => (l.req as { id?: string })?.id === 'trace-me-1')).toBe(true);
    const events = parsed.filter((l) => l.audit === true).map((l) => l.event);
    expect(events).toEqual(expect.arrayContaining(['login', 'logout']));

    const text = lines.join('\n');
    expect(text).toContain('[redacted]');
    for (const secret of [
      ...tamper.issued,
      ...flowSecrets,
      code,
      cookie,
      decodeURIComponent(cookie),
      'eyJ.secret.header',
      'eyJ.dpop.proof',
      'dev-bff-secret',
      'test-session-secret-change-me-0001',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/eyJ/);
  });
});
