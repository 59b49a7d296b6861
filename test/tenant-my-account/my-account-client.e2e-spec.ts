import { createMyAccountClient } from '../support/my-account-client.js';
import { createSoftAuthenticator } from '../support/soft-authenticator.js';
import { createDpopKey, startHarness, type Harness } from './support/my-account-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('test My Account client', () => {
  it('enrolls every kind of method over fetch, with Bearer and with DPoP', async () => {
    const user = await h.createUser('client@example.com');
    const client = createMyAccountClient({
      baseUrl: `${h.issuer()}me/v1`,
      accessToken: await h.mintToken({ sub: user.user_id }),
    });
    const totp = await client.enrollTotp();
    expect(totp.id).toMatch(/^totp\|dev_/);
    const passkey = await client.enrollPasskey(createSoftAuthenticator(), 'http://localhost:3000');
    expect(passkey.location).toContain('passkey%7Cdev_');
    const email = await client.enrollDelivered({ type: 'email', email: 'client@example.org' }, async () => {
      const outbox = await fetch(`${h.issuer()}__dev/outbox?to=client%40example.org`);
      return ((await outbox.json()) as Array<{ code: string }>)[0].code;
    });
    const recovery = await client.enrollRecoveryCode();
    expect(recovery.code).toHaveLength(24);
    const ids = (await client.listMethods()).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([totp.id, passkey.id, email.id, recovery.id]));
    expect((await client.deleteMethod(totp.id)).status).toBe(204);

    const key = await createDpopKey();
    const bound = createMyAccountClient({
      baseUrl: `${h.issuer()}me/v1`,
      accessToken: await h.mintToken({ sub: user.user_id, jkt: key.jkt }),
      dpopProof: async () => '',
    });
    const token = await h.mintToken({ sub: user.user_id, jkt: key.jkt });
    const withProof = createMyAccountClient({
      baseUrl: `${h.issuer()}me/v1`,
      accessToken: token,
      dpopProof: (htm, htu) => key.proof({ htm, htu, accessToken: token }),
    });
    expect((await bound.request('GET', '/factors')).status).toBe(401);
    expect((await withProof.enrollTotp()).id).toMatch(/^totp\|/);
  });
});
