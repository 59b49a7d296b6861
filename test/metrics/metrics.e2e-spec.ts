import { jest } from '@jest/globals';
import { ProxyHotPath } from '../../src/my-account/proxy-hot-path.js';
import { MFA_ACR } from '../support/bff.js';
import { type Scrape, scrape } from '../support/metrics-scrape.js';
import { GatewayStack, type RecordingClient, userNamed } from '../gateway/support/gateway-stack.js';

jest.setTimeout(60_000);

/**
 * `/metrics` against the real stack (Redis, the local tenant, the BFF in-process, a hop in front of the My
 * Account API): every family moves when its event happens, and only then by the expected amount.
 */
describe('Prometheus metrics', () => {
  const user = userNamed('metrics-user');
  let stack: GatewayStack;
  let client: RecordingClient;

  beforeAll(async () => {
    stack = await GatewayStack.start({
      users: [user],
      configure: (config) => {
        config.rateLimit = { 'my-account-verify': { limit: 1, windowSeconds: 60 } };
        // Short, so a paused Redis fails a command quickly.
        config.redis = { ...config.redis, commandTimeoutMs: 300 };
        config.myAccount = {
          ...config.myAccount,
          perRouteTimeouts: { getFactors: 300 },
        };
      },
    });
    client = await stack.signIn(user);
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Runs `event` and returns the scrapes before and after it. */
  async function around(event: () => Promise<unknown>): Promise<[Scrape, Scrape]> {
    const before = await scrape(stack.bff.app);
    await event();
    return [before, await scrape(stack.bff.app)];
  }
  const moved = (pair: [Scrape, Scrape], name: string, labels: Record<string, string> = {}) =>
    pair[1].value(name, labels) - pair[0].value(name, labels);

  it('exports every family, Node.js process metrics included', async () => {
    const families = (await scrape(stack.bff.app)).families();
    expect(families).toEqual(
      expect.arrayContaining([
        'bff_http_requests_total',
        'bff_http_request_duration_seconds',
        'bff_upstream_request_duration_seconds',
        'bff_upstream_responses_total',
        'bff_upstream_errors_total',
        'bff_token_refreshes_total',
        'bff_store_command_duration_seconds',
        'bff_store_errors_total',
        'bff_step_up_challenges_total',
        'bff_sessions_created_total',
        'bff_sessions_ended_total',
        'bff_rate_limit_refusals_total',
        'process_cpu_user_seconds_total',
        'nodejs_eventloop_lag_seconds',
      ]),
    );
  });

  it('a proxied read: request by route class and status, proxy latency, upstream answer, store commands', async () => {
    const hotPath = stack.bff.app.get(ProxyHotPath);
    const served = hotPath.served;
    const pair = await around(async () => {
      expect((await client.api(stack.url, 'GET', '/authentication-methods')).status).toBe(200);
    });
    // Answered by the hot path (before Express), and still counted exactly once.
    expect(hotPath.served).toBe(served + 1);
    expect(moved(pair, 'bff_http_requests_total', { route_class: 'my_account', status: '200' })).toBe(1);
    expect(moved(pair, 'bff_http_request_duration_seconds_count', { route_class: 'my_account' })).toBe(1);
    expect(
      moved(pair, 'bff_http_request_duration_seconds_sum', { route_class: 'my_account' }),
    ).toBeGreaterThan(0);
    const op = { operation: 'getAuthenticationMethods' };
    expect(moved(pair, 'bff_upstream_request_duration_seconds_count', op)).toBe(1);
    expect(moved(pair, 'bff_upstream_responses_total', { ...op, status: '200' })).toBe(1);
    expect(moved(pair, 'bff_upstream_errors_total')).toBe(0);
    // The session and its token record in one read-only script (EVALSHA, or EVAL the first time).
    const scripts = ['evalsha', 'eval'].map((command) =>
      moved(pair, 'bff_store_command_duration_seconds_count', { command }),
    );
    expect(scripts[0] + scripts[1]).toBeGreaterThanOrEqual(1);
    expect(moved(pair, 'bff_store_errors_total')).toBe(0);
  });

  it('other route classes are counted apart', async () => {
    const pair = await around(async () => {
      expect((await client.get(`${stack.url}/api/session`)).status).toBe(200);
      expect((await client.get(`${stack.url}/healthz`)).status).toBe(200);
      expect((await client.get(`${stack.url}/no-such-page`)).status).toBe(404);
    });
    expect(moved(pair, 'bff_http_requests_total', { route_class: 'api', status: '200' })).toBe(1);
    expect(moved(pair, 'bff_http_requests_total', { route_class: 'health', status: '200' })).toBe(1);
    expect(moved(pair, 'bff_http_requests_total', { route_class: 'web', status: '404' })).toBe(1);
    expect(moved(pair, 'bff_http_requests_total', { route_class: 'my_account' })).toBe(0);
  });

  it('upstream errors: a 5xx and a timeout, each by operation and reason', async () => {
    const op = { operation: 'getFactors' };
    stack.hop.override = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{}');
      return true;
    };
    try {
      const failed = await around(async () => {
        expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(502);
      });
      expect(moved(failed, 'bff_upstream_errors_total', { ...op, reason: 'server_error' })).toBe(1);
      expect(moved(failed, 'bff_upstream_errors_total')).toBe(1);
      expect(moved(failed, 'bff_upstream_responses_total', { ...op, status: '503' })).toBe(1);
      expect(moved(failed, 'bff_http_requests_total', { route_class: 'my_account', status: '502' })).toBe(1);

      stack.hop.override = () => true; // never answers
      const hung = await around(async () => {
        expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(504);
      });
      expect(moved(hung, 'bff_upstream_errors_total', { ...op, reason: 'timeout' })).toBe(1);
      expect(moved(hung, 'bff_upstream_responses_total')).toBe(0);
      expect(moved(hung, 'bff_upstream_request_duration_seconds_sum', op)).toBeGreaterThanOrEqual(0.3);
    } finally {
      stack.hop.override = undefined;
    }
  });

  it('token refreshes by outcome; a refused refresh ends the session (refresh_failed)', async () => {
    const other = await stack.signIn(user);
    await stack.expireAccessToken(client);
    const refreshed = await around(async () => {
      expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(200);
    });
    expect(moved(refreshed, 'bff_token_refreshes_total', { outcome: 'refreshed' })).toBe(1);
    expect(moved(refreshed, 'bff_token_refreshes_total')).toBe(1);

    await stack.expireAccessToken(other);
    stack.tokenAnswer = () =>
      Response.json({ error: 'invalid_grant', error_description: 'revoked' }, { status: 400 });
    try {
      const ended = await around(async () => {
        expect((await other.api(stack.url, 'GET', '/factors')).status).toBe(401);
      });
      expect(moved(ended, 'bff_token_refreshes_total', { outcome: 'session_ended' })).toBe(1);
      expect(moved(ended, 'bff_sessions_ended_total', { cause: 'refresh_failed' })).toBe(1);
    } finally {
      stack.tokenAnswer = undefined;
    }
  });

  it('a step-up challenge (a write without a recent MFA) is counted once, as mfa', async () => {
    const pair = await around(async () => {
      const res = await client.api(stack.url, 'DELETE', '/authentication-methods/abc123');
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ code: 'insufficient_user_authentication' });
    });
    expect(moved(pair, 'bff_step_up_challenges_total', { kind: 'mfa' })).toBe(1);
    expect(moved(pair, 'bff_step_up_challenges_total')).toBe(1);
  });

  it('a read the upstream answers with a step-up challenge: counted once, whichever path rendered it', async () => {
    stack.hop.override = (_req, res) => {
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': `Bearer error="insufficient_user_authentication", acr_values="${MFA_ACR}", max_age=120`,
      });
      res.end(JSON.stringify({ error: 'insufficient_user_authentication' }));
      return true;
    };
    try {
      const pair = await around(async () => {
        const res = await client.api(stack.url, 'GET', '/factors');
        expect(res.status).toBe(401);
        expect(res.json()).toMatchObject({ code: 'insufficient_user_authentication' });
      });
      expect(moved(pair, 'bff_step_up_challenges_total', { kind: 'mfa' })).toBe(1);
      expect(moved(pair, 'bff_http_requests_total', { route_class: 'my_account', status: '401' })).toBe(1);
      expect(moved(pair, 'bff_upstream_responses_total', { operation: 'getFactors', status: '401' })).toBe(1);
    } finally {
      stack.hop.override = undefined;
    }
  });

  it('a rate-limit refusal is counted by policy', async () => {
    const verify = () =>
      client.api(stack.url, 'POST', '/authentication-methods/abc123/verify', { otp_code: '000000' });
    await verify();
    const pair = await around(async () => {
      expect((await verify()).status).toBe(429);
    });
    expect(moved(pair, 'bff_rate_limit_refusals_total', { policy: 'my-account-verify' })).toBe(1);
    expect(moved(pair, 'bff_http_requests_total', { route_class: 'my_account', status: '429' })).toBe(1);
  });

  it('sessions created by a login and ended by a logout', async () => {
    let fresh: RecordingClient | undefined;
    const created = await around(async () => {
      fresh = await stack.signIn(user);
    });
    expect(moved(created, 'bff_sessions_created_total')).toBe(1);
    const ended = await around(async () => {
      const res = await fresh!.post(`${stack.url}/auth/logout`, {
        headers: { 'x-csrf': '1', origin: stack.url },
      });
      expect(res.status).toBe(200);
    });
    expect(moved(ended, 'bff_sessions_ended_total', { cause: 'logout' })).toBe(1);
  });

  it('store errors: a Redis that does not answer within the command timeout', async () => {
    const admin = stack.redis.client();
    try {
      const pair = await around(async () => {
        await admin.client('PAUSE', 800, 'ALL');
        expect((await client.get(`${stack.url}/api/session`)).status).toBe(503);
        await new Promise((r) => setTimeout(r, 900)); // the pause is over before the second scrape
      });
      expect(moved(pair, 'bff_store_errors_total', { reason: 'timeout' })).toBeGreaterThanOrEqual(1);
      expect(moved(pair, 'bff_http_requests_total', { route_class: 'api', status: '503' })).toBe(1);
    } finally {
      admin.disconnect();
    }
  });
});
