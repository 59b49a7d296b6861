import * as oidc from 'openid-client';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { seedUserId } from '../../tenant/accounts/seed.js';
import { authorizationUrl, DEMO, discover, logIn, redeem, verifyAccessToken } from './support/rp.js';

describe('tenant restart on the same Redis', () => {
  let redis: TestRedis;
  let tenant: TestTenant | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await tenant?.close();
    await redis?.close();
  });

  it('keeps users and their enrollments, login sessions, refresh tokens and signing keys', async () => {
    tenant = await startTestTenant({ redisUrl: redis.url });
    const { port } = tenant;
    const userId = seedUserId({ email: DEMO.username });
    await tenant.context.accounts.update(userId, (a) => {
      a.name = 'Renamed Before Restart';
    });
    const config = await discover(tenant.issuer);
    const { tokens, client } = await logIn(config, DEMO, {
      audience: `${tenant.issuer}me/`,
      scope: 'openid offline_access read:me:factors',
    });
    await tenant.close();

    tenant = await startTestTenant({ redisUrl: redis.url, port });
    expect((await tenant.context.accounts.findById(userId))?.name).toBe('Renamed Before Restart');

    // The old access token still verifies (same keys) and the refresh token still works.
    await verifyAccessToken(tenant.issuer, tokens.access_token);
    const refreshed = await oidc.refreshTokenGrant(
      await discover(tenant.issuer),
      tokens.refresh_token as string,
    );
    expect((await verifyAccessToken(tenant.issuer, refreshed.access_token)).scope).toBe(
      'openid offline_access read:me:factors',
    );

    // The browser's tenant session survives: prompt=none gets a code without the login page.
    const pending = await authorizationUrl(config, { prompt: 'none', scope: 'openid' });
    let res = await client.get(pending.url);
    while (res.location?.startsWith(tenant.url)) res = await client.get(res.location);
    const callback = res.location as string;
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    expect((await redeem(config, pending, callback)).access_token).toBeTruthy();
  });
});
