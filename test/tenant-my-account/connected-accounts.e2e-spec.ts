import { createHash, randomBytes } from 'node:crypto';
import { REDIRECT_URI, startHarness, type Harness } from './support/my-account-harness.js';
import { approveTicket } from './support/operation-fixtures.js';

const CA = '/me/v1/connected-accounts';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  expect(h.contractViolations).toEqual([]);
});

let n = 0;
async function newUser() {
  const user = await h.createUser(`ca-${n++}@example.com`);
  return { user, token: await h.mintToken({ sub: user.user_id }) };
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function connect(token: string, connection = 'example-oauth2', challenge?: string) {
  const body = {
    connection,
    redirect_uri: REDIRECT_URI,
    state: `state-${connection}`,
    scopes: ['openid', 'offline_access'],
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
  };
  const res = await h.call('POST', `${CA}/connect`, {
    token,
    body,
    operationId: 'createConnectedAccountRequest',
  });
  expect(res.status).toBe(201);
  return res.body as {
    connect_uri: string;
    auth_session: string;
    connect_params: { ticket: string };
    expires_in: number;
  };
}

describe('connected accounts', () => {
  it('connect → consent page → approve → complete (PKCE) → list with paging → delete', async () => {
    const { token } = await newUser();
    const { verifier, challenge } = pkce();
    const started = await connect(token, 'example-oauth2', challenge);
    expect(started.connect_uri).toBe(`${h.issuer()}connect`);
    expect(started.expires_in).toBe(300);

    const page = await h.call('GET', `/connect?ticket=${encodeURIComponent(started.connect_params.ticket)}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text.match(/<button/g)).toHaveLength(1);
    expect(page.text).toContain('example-oauth2');

    const query = await approveTicket(h, started.connect_params.ticket);
    expect(query.get('state')).toBe('state-example-oauth2');
    const code = query.get('connect_code')!;
    expect(code.length).toBeLessThanOrEqual(46);

    const done = await h.call('POST', `${CA}/complete`, {
      token,
      body: {
        auth_session: started.auth_session,
        connect_code: code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      },
      operationId: 'completeConnectedAccountRequest',
    });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      connection: 'example-oauth2',
      access_type: 'offline',
      scopes: ['openid', 'offline_access'],
    });
    expect(done.body.id).toMatch(/^cac_[A-Za-z0-9]+$/);

    const second = await connect(token, 'second-oauth2');
    const code2 = (await approveTicket(h, second.connect_params.ticket)).get('connect_code');
    await h.call('POST', `${CA}/complete`, {
      token,
      body: { auth_session: second.auth_session, connect_code: code2, redirect_uri: REDIRECT_URI },
      operationId: 'completeConnectedAccountRequest',
    });

    const first = await h.call('GET', `${CA}/accounts?take=1`, {
      token,
      operationId: 'getConnectedAccounts',
    });
    expect(first.body.accounts).toHaveLength(1);
    expect(first.body.next).toBeDefined();
    const rest = await h.call('GET', `${CA}/accounts?take=1&from=${encodeURIComponent(first.body.next)}`, {
      token,
      operationId: 'getConnectedAccounts',
    });
    expect(rest.body.accounts).toHaveLength(1);
    expect(rest.body.next).toBeUndefined();
    expect(rest.body.accounts[0].id).not.toBe(first.body.accounts[0].id);
    const filtered = await h.call('GET', `${CA}/accounts?connection=second-oauth2`, {
      token,
      operationId: 'getConnectedAccounts',
    });
    expect(filtered.body.accounts.map((a: { connection: string }) => a.connection)).toEqual([
      'second-oauth2',
    ]);
    const both = await h.call('GET', `${CA}/accounts?connection=second-oauth2&connection=example-oauth2`, {
      token,
      operationId: 'getConnectedAccounts',
    });
    expect(both.body.accounts).toHaveLength(2);

    const deleted = await h.call('DELETE', `${CA}/accounts/${done.body.id}`, {
      token,
      operationId: 'deleteConnectedAccount',
    });
    expect(deleted.status).toBe(204);
    const again = await h.call('DELETE', `${CA}/accounts/${done.body.id}`, {
      token,
      operationId: 'deleteConnectedAccount',
    });
    expect(again.status).toBe(404);
    const left = await h.call('GET', `${CA}/accounts`, { token, operationId: 'getConnectedAccounts' });
    expect(left.body.accounts.map((a: { connection: string }) => a.connection)).toEqual(['second-oauth2']);
  });

  it('refuses a reused code, a wrong verifier, another redirect_uri and another user', async () => {
    const { token } = await newUser();
    const { verifier, challenge } = pkce();
    const started = await connect(token, 'example-oauth2', challenge);
    const code = (await approveTicket(h, started.connect_params.ticket)).get('connect_code')!;
    const complete = (body: Record<string, unknown>, t = token) =>
      h.call('POST', `${CA}/complete`, {
        token: t,
        body: { auth_session: started.auth_session, connect_code: code, redirect_uri: REDIRECT_URI, ...body },
        operationId: 'completeConnectedAccountRequest',
      });
    const other = await newUser();
    const foreign = await complete({ code_verifier: verifier }, other.token);
    expect(foreign.status).toBe(403);
    const wrongVerifier = await complete({ code_verifier: 'x'.repeat(43) });
    expect([wrongVerifier.status, wrongVerifier.body.validation_errors[0].field]).toEqual([
      400,
      'code_verifier',
    ]);
    const reused = await complete({ code_verifier: verifier });
    expect([reused.status, reused.body.validation_errors[0].field]).toEqual([400, 'connect_code']);

    const again = await connect(token);
    const code2 = (await approveTicket(h, again.connect_params.ticket)).get('connect_code')!;
    const otherRedirect = await h.call('POST', `${CA}/complete`, {
      token,
      body: {
        auth_session: again.auth_session,
        connect_code: code2,
        redirect_uri: 'http://localhost:3000/elsewhere',
      },
      operationId: 'completeConnectedAccountRequest',
    });
    expect(otherRedirect.status).toBe(400);
  });

  it('the consent ticket works once; unknown tickets get an error page', async () => {
    const { token } = await newUser();
    const started = await connect(token);
    await approveTicket(h, started.connect_params.ticket);
    const second = await h.call('POST', '/connect', {
      rawBody: `ticket=${started.connect_params.ticket}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(second.status).toBe(400);
    expect((await h.call('GET', '/connect?ticket=nope')).status).toBe(400);
    expect((await h.call('GET', '/connect-else')).status).toBe(404);
  });

  it('refuses connections without connected accounts and unregistered redirect URIs', async () => {
    const { token } = await newUser();
    const notConnectable = await h.call('POST', `${CA}/connect`, {
      token,
      body: { connection: 'not-connectable', redirect_uri: REDIRECT_URI },
      operationId: 'createConnectedAccountRequest',
    });
    expect(notConnectable.status).toBe(400);
    const unregistered = await h.call('POST', `${CA}/connect`, {
      token,
      body: { connection: 'example-oauth2', redirect_uri: 'https://evil.example/cb' },
      operationId: 'createConnectedAccountRequest',
    });
    expect([unregistered.status, unregistered.body.validation_errors[0].field]).toEqual([
      400,
      'redirect_uri',
    ]);
  });

  it('lists the connections that allow connected accounts', async () => {
    const { token } = await newUser();
    const res = await h.call('GET', `${CA}/connections`, {
      token,
      operationId: 'getConnectedAccountsConnections',
    });
    expect(res.body.connections.map((c: { name: string }) => c.name)).toEqual([
      'example-oauth2',
      'second-oauth2',
    ]);
    const paged = await h.call('GET', `${CA}/connections?take=1`, {
      token,
      operationId: 'getConnectedAccountsConnections',
    });
    expect(paged.body.connections).toHaveLength(1);
    const bad = await h.call('GET', `${CA}/connections?from=garbage`, {
      token,
      operationId: 'getConnectedAccountsConnections',
    });
    expect(bad.status).toBe(400);
  });
});
