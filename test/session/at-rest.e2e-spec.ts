import { decodeJwt } from 'jose';
import { loginThroughBff, MFA_ACR } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { type TestRedis } from '../support/redis.js';
import { totpNow } from '../support/tenant-login.js';
import { createTokenTamper, type TokenTamper } from '../support/token-tamper.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_TOTP_SECRET, DEMO_USER } from '../support/seed-users.js';

/** Everything under the BFF's prefix, read by type (strings, hashes, sets), as one text. */
async function dumpBffKeys(redis: TestRedis): Promise<{ keys: string[]; text: string }> {
  const client = redis.client();
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', 'bff:*', 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    const parts: string[] = [];
    for (const key of keys) {
      const type = await client.type(key);
      if (type === 'string') parts.push(String(await client.get(key)));
      else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'set') parts.push(JSON.stringify(await client.smembers(key)));
      else parts.push(`<${type}>`);
    }
    return { keys, text: `${keys.join('\n')}\n${parts.join('\n')}` };
  } finally {
    client.disconnect();
  }
}

let tamper: TokenTamper;
const stackOptions = async (): Promise<TestStackOptions> => {
  tamper = await createTokenTamper();
  return { bff: { oidcFetch: tamper.fetch } };
};

describeWithStack('tokens at rest', stackOptions, (stack) => {
  it('keeps no access, refresh or ID token in clear anywhere in Redis', async () => {
    await loginThroughBff(new CookieClient(), stack.bff.url);
    await loginThroughBff(new CookieClient(), stack.bff.url, `?acr_values=${encodeURIComponent(MFA_ACR)}`, {
      ...DEMO_USER,
      otp: () => totpNow(DEMO_TOTP_SECRET),
    });
    expect(tamper.issued.length).toBeGreaterThanOrEqual(6);
    expect(
      tamper.issued.some(
        (t) => t.startsWith('eyJ') && [decodeJwt(t).aud].flat().includes(`${stack.tenant.issuer}me/`),
      ),
    ).toBe(true);

    const { keys, text } = await dumpBffKeys(stack.redis);
    expect(keys.filter((k) => k.endsWith(':tokens'))).toHaveLength(2);
    expect(keys.filter((k) => k.endsWith(':sess'))).toHaveLength(2);
    for (const token of tamper.issued) {
      expect(text).not.toContain(token);
      // Not even a recognisable piece of one (signatures, payloads).
      for (const part of token.split('.').filter((p) => p.length >= 16)) expect(text).not.toContain(part);
    }
    expect(text).not.toMatch(/eyJ/);
    // Every key of a session carries its hash tag (Redis Cluster slot).
    for (const key of keys.filter((k) => /:(sess|tokens)$/.test(k)))
      expect(key).toMatch(/^bff:\{[A-Za-z0-9_-]{43}\}:(sess|tokens)$/);
  });

  it('revokes the refresh token at logout', async () => {
    const client = new CookieClient();
    const before = tamper.issued.length;
    await loginThroughBff(client, stack.bff.url);
    const refreshToken = tamper.issued.slice(before).find((t) => !t.startsWith('eyJ')) as string;
    expect(refreshToken).toBeTruthy();
    expect((await client.post(`${stack.bff.url}/auth/logout`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
    const res = await fetch(`${stack.tenant.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('treats a token record moved to another session as no session (both answer 401)', async () => {
    const first = new CookieClient();
    const second = new CookieClient();
    await loginThroughBff(first, stack.bff.url);
    await loginThroughBff(second, stack.bff.url);
    const sid = (c: CookieClient) =>
      decodeURIComponent(c.cookies(stack.bff.url)['__Host-bff']).slice(2).split('.')[0];
    const raw = stack.redis.client();
    try {
      const a = await raw.hgetall(`bff:{${sid(first)}}:tokens`);
      const b = await raw.hgetall(`bff:{${sid(second)}}:tokens`);
      await raw.hset(`bff:{${sid(first)}}:tokens`, b);
      await raw.hset(`bff:{${sid(second)}}:tokens`, a);
    } finally {
      raw.disconnect();
    }
    for (const client of [first, second]) {
      const res = await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } });
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ code: 'login_required' });
    }
  });
});
