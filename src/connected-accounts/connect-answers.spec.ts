import { buildConnectRedirect, readCompletedConnect, readStartedConnect } from './connect-answers.js';
import { ConnectFailed } from './connect-errors.js';

const TENANT = new Set(['https://tenant.example']);
const started = {
  connect_uri: 'https://tenant.example/connect',
  auth_session: 'as-1',
  connect_params: { ticket: 't-1' },
  expires_in: 300,
};

const failure = (fn: () => unknown): ConnectFailed => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConnectFailed) return err;
    throw err;
  }
  throw new Error('did not throw');
};

describe('readStartedConnect', () => {
  it('reads the 201 and builds connect_uri?ticket=', () => {
    const read = readStartedConnect({ status: 201, body: started }, TENANT);
    expect(read).toMatchObject({ authSession: 'as-1', ticket: 't-1', expiresIn: 300 });
    expect(buildConnectRedirect(read)).toBe('https://tenant.example/connect?ticket=t-1');
    const withQuery = readStartedConnect(
      { status: 201, body: { ...started, connect_uri: 'https://tenant.example/c?x=1' } },
      TENANT,
    );
    expect(buildConnectRedirect(withQuery)).toBe('https://tenant.example/c?x=1&ticket=t-1');
  });

  it('an API refusal is the 400 page with its detail', () => {
    const err = failure(() =>
      readStartedConnect({ status: 400, body: { detail: 'connection is not enabled' } }, TENANT),
    );
    expect(err).toMatchObject({ status: 400, html: true });
    expect(err.detail).toMatch(/connect answered 400.*connection is not enabled/);
    expect(failure(() => readStartedConnect({ status: 403, body: undefined }, TENANT)).detail).toMatch(
      /403\)\.$/,
    );
  });

  it.each([
    ['another site', { ...started, connect_uri: 'https://evil.example/connect' }],
    ['a javascript: URI', { ...started, connect_uri: 'javascript:alert(1)' }],
    ['no URI', { ...started, connect_uri: undefined }],
    ['no auth_session', { ...started, auth_session: '' }],
    ['no ticket', { ...started, connect_params: {} }],
    ['no connect_params', { ...started, connect_params: undefined }],
    ['not an object', 'text'],
  ])('refuses an unusable 201 (%s) with a 502 page, never following it', (_name, body) => {
    expect(failure(() => readStartedConnect({ status: 201, body }, TENANT))).toMatchObject({
      status: 502,
      code: 'upstream_unavailable',
    });
  });
});

describe('readCompletedConnect', () => {
  it('reads the connected account', () => {
    expect(readCompletedConnect({ status: 201, body: { id: 'cac_1', connection: 'c' } })).toEqual({
      id: 'cac_1',
      connection: 'c',
    });
  });

  it('a 409 (already linked) is the 400 page with the API detail; a malformed 201 is a 502', () => {
    expect(
      failure(() => readCompletedConnect({ status: 409, body: { detail: 'already connected' } })).detail,
    ).toMatch(/already connected/);
    expect(failure(() => readCompletedConnect({ status: 201, body: { id: 1 } })).status).toBe(502);
  });
});
