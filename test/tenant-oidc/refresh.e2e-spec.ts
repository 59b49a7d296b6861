import * as oidc from 'openid-client';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { totpNow } from '../support/tenant-login.js';
import { DEMO, discover, idTokenClaims, logIn, MFA_ACR, verifyAccessToken } from './support/rp.js';

const LEEWAY_CLIENT = { id: 'leeway-app', secret: 'leeway-app-secret' };
const FIXED_CLIENT = { id: 'fixed-app', secret: 'fixed-app-secret' };

async function refreshError(config: oidc.Configuration, refreshToken: string): Promise<string> {
  try {
    await oidc.refreshTokenGrant(config, refreshToken);
  } catch (err) {
    return (err as { error?: string }).error ?? String(err);
  }
  return 'no error';
}

describe('tenant refresh tokens: rotation, reuse detection, reuse interval', () => {
  let redis: TestRedis;
  let tenant: TestTenant;

  beforeAll(async () => {
    redis = await startTestRedis();
    tenant = await startTestTenant({
      redisUrl: redis.url,
      configure: (c) => {
        const base = c.clients[0];
        // Reuse detection with no overlap at all (the shipped client has one).
        base.refresh_token = { ...base.refresh_token, leeway: 0 };
        c.clients.push(
          {
            ...base,
            client_id: LEEWAY_CLIENT.id,
            client_secret: LEEWAY_CLIENT.secret,
            refresh_token: { ...base.refresh_token, leeway: 60 },
          },
          {
            ...base,
            client_id: FIXED_CLIENT.id,
            client_secret: FIXED_CLIENT.secret,
            refresh_token: { ...base.refresh_token, rotation_type: 'non-rotating' },
          },
        );
        for (const id of [LEEWAY_CLIENT.id, FIXED_CLIENT.id]) {
          c.client_grants.push(
            ...c.client_grants
              .filter((g) => g.client_id === base.client_id)
              .map((g) => ({ ...g, client_id: id })),
          );
        }
      },
    });
  });
  afterAll(async () => {
    await tenant?.close();
    await redis?.close();
  });

  it('rotates on every refresh; reusing a used token revokes the whole family', async () => {
    const config = await discover(tenant.issuer);
    const audience = `${tenant.issuer}me/`;
    const { tokens } = await logIn(config, DEMO, {
      audience,
      scope: 'openid offline_access read:me:factors',
    });
    const first = tokens.refresh_token as string;

    const refreshed = await oidc.refreshTokenGrant(config, first);
    const second = refreshed.refresh_token as string;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const at = await verifyAccessToken(tenant.issuer, refreshed.access_token);
    expect(at).toMatchObject({
      aud: [audience, `${tenant.issuer}userinfo`],
      scope: 'openid offline_access read:me:factors',
    });

    expect(await refreshError(config, first)).toBe('invalid_grant');
    // The family is gone: the newest token no longer works either.
    expect(await refreshError(config, second)).toBe('invalid_grant');
  });

  it('gives an ID token without amr on refresh, after an MFA login', async () => {
    const config = await discover(tenant.issuer);
    const { tokens } = await logIn(
      config,
      { ...DEMO, otp: () => totpNow(DEMO.totpSecret) },
      { acr_values: MFA_ACR },
    );
    expect(idTokenClaims(tokens.id_token).amr).toEqual(['pwd', 'mfa']);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    const id = idTokenClaims(refreshed.id_token);
    expect(id.amr).toBeUndefined();
    expect(id.sub).toBe(idTokenClaims(tokens.id_token).sub);
  });

  it('lets the previous token be reused within the configured reuse interval (leeway)', async () => {
    const config = await discover(tenant.issuer, LEEWAY_CLIENT.id, LEEWAY_CLIENT.secret);
    const { tokens } = await logIn(config, DEMO);
    const first = tokens.refresh_token as string;
    const second = (await oidc.refreshTokenGrant(config, first)).refresh_token as string;
    const again = await oidc.refreshTokenGrant(config, first);
    expect(again.refresh_token).toBeTruthy();
    expect((await oidc.refreshTokenGrant(config, second)).access_token).toBeTruthy();
  });

  it('keeps the same refresh token for a non-rotating client', async () => {
    const config = await discover(tenant.issuer, FIXED_CLIENT.id, FIXED_CLIENT.secret);
    const { tokens } = await logIn(config, DEMO);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.refresh_token ?? tokens.refresh_token).toBe(tokens.refresh_token);
    expect((await oidc.refreshTokenGrant(config, tokens.refresh_token as string)).access_token).toBeTruthy();
  });

  it('revokes a refresh token at /oauth/revoke (what the BFF does at logout)', async () => {
    const config = await discover(tenant.issuer);
    const { tokens } = await logIn(config, DEMO);
    await oidc.tokenRevocation(config, tokens.refresh_token as string, { token_type_hint: 'refresh_token' });
    expect(await refreshError(config, tokens.refresh_token as string)).toBe('invalid_grant');
  });

  it('issues no refresh token without offline_access', async () => {
    const config = await discover(tenant.issuer);
    const { tokens } = await logIn(config, DEMO, { scope: 'openid' });
    expect(tokens.refresh_token).toBeUndefined();
  });
});
