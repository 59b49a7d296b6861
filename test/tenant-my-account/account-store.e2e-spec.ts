import type { Redis } from 'ioredis';
import { AccountStore, newMethodIdSuffix } from '../../tenant/accounts/account-store.js';
import type { Account } from '../../tenant/accounts/account.types.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

let server: TestRedis;
let redis: Redis;
let store: AccountStore;
beforeAll(async () => {
  server = await startTestRedis();
  redis = server.client();
  store = new AccountStore(redis, 'tenant:');
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

const account = (email: string): Account => ({
  user_id: `auth0|${email.split('@')[0]}`,
  email,
  email_verified: true,
  name: email,
  connection: 'Username-Password-Authentication',
  mfa: 'on-request',
  permissions: [],
  methods: [],
  connected_accounts: [],
  created_at: new Date().toISOString(),
});

describe('AccountStore', () => {
  it('creates once (NX) and finds by id and case-insensitive email', async () => {
    expect(await store.create(account('Ann@example.com'))).toBe(true);
    expect(await store.create(account('Ann@example.com'))).toBe(false);
    expect((await store.findByEmail(' ann@EXAMPLE.com '))?.user_id).toBe('auth0|Ann');
    expect(await store.findById('auth0|nobody')).toBeUndefined();
  });

  it('loses no change when many updates race (compare-and-set)', async () => {
    await store.create(account('race@example.com'));
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.update('auth0|race', async (a) => {
          await new Promise((r) => setTimeout(r, i % 3));
          a.methods.push({
            id: `totp|${newMethodIdSuffix()}`,
            type: 'totp',
            secret: 'JBSWY3DPEHPK3PXP',
            confirmed: true,
            created_at: '',
          });
        }),
      ),
    );
    expect((await store.findById('auth0|race'))!.methods).toHaveLength(25);
  });

  it('leaves the record untouched when the change throws', async () => {
    await store.create(account('abort@example.com'));
    await expect(
      store.update('auth0|abort', (a) => {
        a.name = 'changed';
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await store.findById('auth0|abort'))!.name).toBe('abort@example.com');
  });

  it('makes Auth0-style id suffixes', () => {
    expect(newMethodIdSuffix()).toMatch(/^dev_[A-Za-z0-9]{16}$/);
  });
});
