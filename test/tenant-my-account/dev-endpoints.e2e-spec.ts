import { startHarness, type Harness } from './support/my-account-harness.js';

describe('development endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('GET /__dev/outbox lists messages newest first and filters by recipient', async () => {
    const user = await h.createUser('outbox@example.com');
    const token = await h.mintToken({ sub: user.user_id });
    for (const email of ['one@example.org', 'two@example.org', 'one@example.org']) {
      await h.call('POST', '/me/v1/authentication-methods', { token, body: { type: 'email', email } });
    }
    const all = await h.call('GET', '/__dev/outbox');
    expect(all.status).toBe(200);
    expect(all.body.slice(0, 3).map((m: { to: string }) => m.to)).toEqual([
      'one@example.org',
      'two@example.org',
      'one@example.org',
    ]);
    const one = await h.call('GET', '/__dev/outbox?to=one%40example.org');
    expect(one.body).toHaveLength(2);
    expect(one.body[0]).toMatchObject({ channel: 'email', purpose: 'enrollment', user_id: user.user_id });
    expect(one.body[0].code).toMatch(/^\d{6}$/);
    expect((await h.call('GET', '/__dev/nothing')).status).toBe(404);
  });
});

describe('without tenant.dev_endpoints', () => {
  it('serves no /__dev/ endpoint', async () => {
    const h = await startHarness({ devEndpoints: false });
    try {
      expect((await h.call('GET', '/__dev/outbox')).status).toBe(404);
      expect((await h.call('POST', '/__dev/push/approve', { body: { auth_session: 'x' } })).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
