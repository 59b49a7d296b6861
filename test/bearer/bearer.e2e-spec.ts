import { createHmac } from 'node:crypto';
import { decodeJwt, generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import type { OidcFetch } from '../../src/oidc/oidc-fetch.js';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_USER } from '../support/seed-users.js';

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const BASIC = `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`;
const SCOPES = 'read:me:authentication_methods read:me:connected_accounts';

const ACCOUNTS = '/api/me/v1/connected-accounts/accounts';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let jwksFetches = 0;
const stackOptions = async (): Promise<TestStackOptions> => {
  const oidcFetch: OidcFetch = (url, init) => {
    if (String(url).endsWith('/jwks.json')) jwksFetches++;
    return fetch(url, init);
  };
  return { bff: { oidcFetch } };
};

/**
 * Through the real proxy: what BearerGuard accepts is forwarded to the tenant's My Account API as the
 * user's own call; what it refuses answers 401 before the proxy runs.
 */
describeWithStack(
  'bearer callers on /api/me/v1 (passport-jwt against the tenant JWKS)',
  stackOptions,
  (stack) => {
    let userToken: string;
    let audience: string;

    const echo = (authorization?: string, headers: Record<string, string> = {}) =>
      fetch(`${stack.bff.url}${ACCOUNTS}`, {
        headers: { ...(authorization === undefined ? {} : { authorization }), ...headers },
      });

    /** Signs with the tenant's own key: only the claim under test is wrong. */
    async function signAsTenant(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
      const jwk = stack.tenant.context.keys.privateJwks.keys[0];
      const key = await importJWK(jwk, 'RS256');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: stack.tenant.issuer,
        aud: audience,
        sub: 'auth0|forged',
        scope: SCOPES,
        iat: now,
        exp: now + 300,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT', ...header })
        .sign(key);
    }

    async function expectRefused(res: Response, code = 'invalid_token'): Promise<{ detail: string }> {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { code: string; detail: string };
      expect(body.code).toBe(code);
      if (code === 'invalid_token')
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      return body;
    }

    beforeAll(async () => {
      audience = `${stack.tenant.issuer}me/`;
      const res = await fetch(`${stack.tenant.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
        body: new URLSearchParams({
          grant_type: PASSWORD_REALM,
          ...DEMO_USER,
          realm: 'Username-Password-Authentication',
          audience,
          scope: `openid ${SCOPES}`,
        }),
      });
      expect(res.status).toBe(200);
      userToken = ((await res.json()) as { access_token: string }).access_token;
    });

    it('accepts a real user token from the tenant and the proxy forwards it as the user', async () => {
      const res = await echo(`Bearer ${userToken}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accounts: [] });
    });

    it("applies the token's scopes: an operation outside them is 403 insufficient_scope, never forwarded", async () => {
      const res = await fetch(`${stack.bff.url}/api/me/v1/factors`, {
        headers: { authorization: `Bearer ${userToken}` },
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'insufficient_scope', scope: 'read:me:factors' });
    });

    it('fetches the JWKS once, not per request', async () => {
      for (let i = 0; i < 3; i++) expect((await echo(`Bearer ${userToken}`)).status).toBe(200);
      expect(jwksFetches).toBe(1);
    });

    it('refuses a tampered signature', async () => {
      const [h, p, s] = userToken.split('.');
      const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
      expect((await expectRefused(await echo(`Bearer ${h}.${p}.${flipped}`))).detail).toMatch(/signature/);
    });

    it('refuses a tampered payload under the original signature', async () => {
      const [h, , s] = userToken.split('.');
      const payload = b64url({ ...decodeJwt(userToken), sub: 'auth0|someone-else' });
      await expectRefused(await echo(`Bearer ${h}.${payload}.${s}`));
    });

    it('refuses an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await signAsTenant({ iat: now - 900, exp: now - 300 });
      expect((await expectRefused(await echo(`Bearer ${token}`))).detail).toMatch(/expired/);
    });

    it('refuses a token for another audience (e.g. an ID token for the BFF client)', async () => {
      for (const aud of [
        'myaccount-bff',
        `${stack.tenant.issuer}api/v2/`,
        [`${stack.tenant.issuer}userinfo`],
      ]) {
        expect((await expectRefused(await echo(`Bearer ${await signAsTenant({ aud })}`))).detail).toMatch(
          /aud/,
        );
      }
    });

    it('accepts an audience array that holds the My Account audience (as Auth0 issues with /userinfo)', async () => {
      const { sub, azp } = decodeJwt(userToken);
      const token = await signAsTenant({ sub, azp, aud: [`${stack.tenant.issuer}userinfo`, audience] });
      const res = await echo(`Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accounts: [] });
    });

    it('refuses a token of another issuer (the custom domain is another issuer)', async () => {
      for (const iss of [stack.tenant.customIssuer, 'https://evil.example/']) {
        expect((await expectRefused(await echo(`Bearer ${await signAsTenant({ iss })}`))).detail).toMatch(
          /iss/,
        );
      }
    });

    it('refuses alg none and HS256 (also with the tenant public key as the HMAC secret)', async () => {
      const claims = decodeJwt(userToken);
      const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
      expect((await expectRefused(await echo(`Bearer ${none}`))).detail).toMatch(/algorithm/);
      const jwk = stack.tenant.context.keys.publicJwks.keys[0];
      for (const secret of ['secret', JSON.stringify(jwk), String(jwk.n)]) {
        const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })}.${b64url(claims)}`;
        const mac = createHmac('sha256', secret).update(signingInput).digest('base64url');
        expect((await expectRefused(await echo(`Bearer ${signingInput}.${mac}`))).detail).toMatch(
          /algorithm/,
        );
      }
    });

    it('refuses client-credentials tokens (gty, or a sub ending in @clients), even signed by the tenant', async () => {
      for (const claims of [{ gty: 'client-credentials' }, { sub: 'myaccount-bff@clients' }]) {
        const detail = (await expectRefused(await echo(`Bearer ${await signAsTenant(claims)}`))).detail;
        expect(detail).toMatch(/[Cc]lient-credentials/);
      }
    });

    it('refuses a DPoP-bound token sent as Bearer, and the DPoP scheme itself', async () => {
      const bound = await signAsTenant({ cnf: { jkt: 'x'.repeat(43) } });
      expect((await expectRefused(await echo(`Bearer ${bound}`))).detail).toMatch(/DPoP/);
      const res = await echo(`DPoP ${userToken}`, { dpop: 'proof' });
      expect((await expectRefused(res)).detail).toMatch(/DPoP/);
    });

    it('refuses other token kinds (typ) and malformed values', async () => {
      await expectRefused(await echo(`Bearer ${await signAsTenant({}, { typ: 'logout+jwt' })}`));
      await expectRefused(await echo('Bearer not-a-jwt'));
      await expectRefused(await echo('Bearer a.b'));
      await expectRefused(await echo('Bearer "quoted"'));
    });

    it('answers login_required for an Authorization header without a Bearer token', async () => {
      for (const header of [BASIC, 'Bearer', 'Negotiate abc']) {
        const res = await echo(header);
        await expectRefused(res, 'login_required');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    });

    it('refuses a token signed by a key the issuer never published', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        iss: stack.tenant.issuer,
        aud: audience,
        sub: 'auth0|x',
        iat: now,
        exp: now + 60,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'unknown-kid' })
        .sign(privateKey);
      expect((await expectRefused(await echo(`Bearer ${token}`))).detail).toMatch(/key/);
    });

    it('leaves requests without Authorization alone (no caller: 401 login_required), and paths outside /api/me/v1', async () => {
      await expectRefused(await echo(), 'login_required');
      const session = await fetch(`${stack.bff.url}/api/session`, {
        headers: { authorization: `Bearer ${userToken}` },
      });
      expect(session.status).toBe(401);
      expect(((await session.json()) as { code: string }).code).toBe('login_required');
    });

    it('without any caller, the route table still answers first (404, 405), then 401 login_required', async () => {
      const unknown = await fetch(`${stack.bff.url}/api/me/v1/no-such-operation`);
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { code: string }).code).toBe('not_found');
      const method = await fetch(`${stack.bff.url}/api/me/v1/factors`, { method: 'PUT' });
      expect(method.status).toBe(405);
      expect(method.headers.get('allow')).toBe('GET');
      await expectRefused(await fetch(`${stack.bff.url}/api/me/v1/factors`), 'login_required');
    });

    it('with a session cookie, ignores the Authorization header (the cookie wins)', async () => {
      const client = new CookieClient();
      expect((await loginThroughBff(client, stack.bff.url)).status).toBe(302);
      for (const authorization of ['Bearer garbage', 'DPoP x', BASIC]) {
        const res = await client.get(`${stack.bff.url}${ACCOUNTS}`, {
          headers: { authorization, 'x-csrf': '1' },
        });
        expect(res.status).toBe(200);
        expect(res.json()).toEqual({ accounts: [] });
      }
    });
  },
);
