import { decodeJwt, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { createTokenTamper, type TokenTamper, unsignedJwt } from '../support/token-tamper.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

let tamper: TokenTamper;
const stackOptions = async (): Promise<TestStackOptions> => {
  tamper = await createTokenTamper();
  return { bff: { oidcFetch: tamper.fetch } };
};

describeWithStack('POST /auth/backchannel-logout', stackOptions, (stack) => {
  /** A signed-in browser and the claims of its ID token (sub, sid). */
  async function signedIn(): Promise<{ client: CookieClient; sub: string; sid: string }> {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.bff.url)).status).toBe(302);
    const idToken = tamper.issued
      .filter((t) => t.split('.').length === 3 && decodeJwt(t).nonce !== undefined)
      .at(-1) as string;
    const { sub, sid } = decodeJwt(idToken) as { sub: string; sid: string };
    return { client, sub, sid };
  }

  const alive = async (client: CookieClient) =>
    (await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status;

  function claims(extra: JWTPayload): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: stack.tenant.issuer,
      aud: 'myaccount-bff',
      iat: now,
      exp: now + 120,
      jti: randomUUID(),
      events: { [EVENT]: {} },
      ...extra,
    };
  }

  const post = (token: string | undefined) =>
    new CookieClient().post(`${stack.bff.url}/auth/backchannel-logout`, {
      form: token === undefined ? {} : { logout_token: token },
    });

  it('ends the session the tenant names when the user logs out at the tenant (a real logout token)', async () => {
    const { client } = await signedIn();
    const other = await signedIn();
    const end = await client.get(
      `${stack.tenant.url}/oidc/logout?client_id=myaccount-bff&post_logout_redirect_uri=${encodeURIComponent(`${stack.bff.url}/`)}`,
    );
    expect(end.status).toBe(303);
    expect(await alive(client)).toBe(401);
    expect(await alive(other.client)).toBe(200);
  });

  it('by sid: ends that session only; by sub alone: every session of the user', async () => {
    const first = await signedIn();
    const second = await signedIn();
    expect(first.sid).not.toBe(second.sid);
    const bySid = await post(
      await tamper.sign(claims({ sid: first.sid, sub: first.sub }), { typ: 'logout+jwt' }),
    );
    expect(bySid.status).toBe(200);
    expect(bySid.headers.get('cache-control')).toBe('no-store');
    expect(await alive(first.client)).toBe(401);
    expect(await alive(second.client)).toBe(200);

    const third = await signedIn();
    expect((await post(await tamper.sign(claims({ sub: second.sub })))).status).toBe(200);
    expect(await alive(second.client)).toBe(401);
    expect(await alive(third.client)).toBe(401);
  });

  it('answers 200 for a token about sessions it does not have, and leaves the others alone', async () => {
    const { client } = await signedIn();
    expect((await post(await tamper.sign(claims({ sid: 'unknown-sid' })))).status).toBe(200);
    expect((await post(await tamper.sign(claims({ sub: 'auth0|nobody' })))).status).toBe(200);
    expect(await alive(client)).toBe(200);
  });

  describe('refuses a bad token with 400 and keeps the sessions', () => {
    let session: Awaited<ReturnType<typeof signedIn>>;
    beforeAll(async () => {
      session = await signedIn();
    });
    afterEach(async () => {
      expect(await alive(session.client)).toBe(200);
    });

    const now = () => Math.floor(Date.now() / 1000);
    it.each<[string, () => Promise<string | undefined> | string | undefined]>([
      ['a nonce', () => tamper.sign(claims({ sid: session.sid, nonce: 'n' }))],
      ['no events', () => tamper.sign(claims({ sid: session.sid, events: undefined }))],
      [
        'another event',
        () =>
          tamper.sign(claims({ sid: session.sid, events: { 'http://schemas.openid.net/event/other': {} } })),
      ],
      [
        'an event that is not an object',
        () => tamper.sign(claims({ sid: session.sid, events: { [EVENT]: 'yes' } })),
      ],
      ['a wrong aud', () => tamper.sign(claims({ sid: session.sid, aud: 'another-client' }))],
      ['a wrong iss', () => tamper.sign(claims({ sid: session.sid, iss: 'http://evil.example/' }))],
      [
        'an expired exp',
        () => tamper.sign(claims({ sid: session.sid, iat: now() - 3600, exp: now() - 600 })),
      ],
      ['no iat', () => tamper.sign(claims({ sid: session.sid, iat: undefined }))],
      ['no jti', () => tamper.sign(claims({ sid: session.sid, jti: undefined }))],
      ['neither sub nor sid', () => tamper.sign(claims({}))],
      ['a signature by an unknown key', () => tamper.signWithUnknownKey(claims({ sid: session.sid }))],
      ['alg none', () => unsignedJwt(claims({ sid: session.sid }))],
      ['a wrong typ', () => tamper.sign(claims({ sid: session.sid }), { typ: 'at+jwt' })],
      ['garbage', () => 'not.a.jwt'],
      ['no logout_token at all', () => undefined],
    ])('%s', async (_label, make) => {
      const res = await post(await make());
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.json()).toMatchObject({ status: 400, code: 'invalid_request', error: 'invalid_request' });
    });

    it('a replayed jti', async () => {
      const token = await tamper.sign(claims({ sid: 'some-other-sid' }));
      expect((await post(token)).status).toBe(200);
      const replay = await tamper.sign({ ...decodeJwt(token), sid: session.sid });
      expect((await post(replay)).status).toBe(400);
    });
  });
});
