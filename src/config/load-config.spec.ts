import { resolveStepUpRequirement, stepUpPolicyFromConfig } from '../step-up/step-up-policy.js';
import { ConfigError, loadConfig } from './load-config.js';

const testEnv = { NODE_ENV: 'test' };
const prodKey = `p1:${Buffer.alloc(32, 7).toString('base64')}`;
const prodEnv = {
  NODE_ENV: 'production',
  AUTH0_DOMAIN: 'login.example.com',
  OIDC_CLIENT_ID: 'abc',
  OIDC_CLIENT_SECRET: 'a-real-secret-from-the-vault-0001',
  PUBLIC_ORIGIN: 'https://account.example.com',
  REDIS_URL: 'rediss://redis.internal:6380',
  SESSION_SECRETS: 'a-production-session-secret-of-40-characters',
  TOKEN_ENCRYPTION_KEYS: prodKey,
};

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('merges default.yaml, test.yaml and derives the audience, My Account base and redirect URIs', () => {
    const config = loadConfig({ env: testEnv });
    expect(config.env).toBe('test');
    expect(config.oidc.issuer).toBe('http://localhost:4000/');
    expect(config.oidc.audience).toBe('http://localhost:4000/me/');
    expect(config.myAccount.baseUrl).toBe('http://localhost:4000/me/v1');
    expect(config.oidc.redirectUri).toBe('http://localhost:3000/auth/callback');
    expect(config.oidc.scopes).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'read:me:authentication_methods']),
    );
    expect(config.session).toMatchObject({
      cookieName: '__Host-bff',
      sameSite: 'lax',
      idleTimeoutSeconds: 1800,
      absoluteTimeoutSeconds: 43200,
    });
    expect(config.tokens.encryptionKeys[0].key).toHaveLength(32);
    expect(config.stepUp.methods).toEqual(['POST', 'PATCH', 'DELETE']);
    expect(config.auth.passwordLogin.enabled).toBe(false);
    expect(Object.isFrozen(config.session)).toBe(true);
  });

  it('lets environment variables override the files', () => {
    const config = loadConfig({
      env: {
        ...testEnv,
        PORT: '4321',
        PUBLIC_ORIGIN: 'http://localhost:4321',
        OIDC_ISSUER: 'http://localhost:5000/',
        SESSION_SECRETS: 'one-secret, two-secret',
        TOKEN_ENCRYPTION_KEYS: `a:${Buffer.alloc(32, 1).toString('base64')},b:${Buffer.alloc(32, 2).toString('base64')}`,
        MY_ACCOUNT_BASE_URL: 'http://localhost:6000/me/v1/',
        LOG_LEVEL: 'debug',
        REDIS_URL: 'redis://10.0.0.1:6390',
        WEB_ENABLED: 'true',
      },
    });
    expect(config.server.port).toBe(4321);
    expect(config.oidc.redirectUri).toBe('http://localhost:4321/auth/callback');
    expect(config.oidc.audience).toBe('http://localhost:5000/me/');
    expect(config.session.secrets).toEqual(['one-secret', 'two-secret']);
    expect(config.tokens.encryptionKeys.map((k) => k.kid)).toEqual(['a', 'b']);
    expect(config.myAccount.baseUrl).toBe('http://localhost:6000/me/v1');
    expect(config.log.level).toBe('debug');
    expect(config.redis.url).toBe('redis://10.0.0.1:6390');
    expect(config.web.enabled).toBe(true);
  });

  it('turns AUTH0_DOMAIN into the issuer https://<domain>/', () => {
    const config = loadConfig({ env: prodEnv });
    expect(config.oidc.issuer).toBe('https://login.example.com/');
    expect(config.myAccount.baseUrl).toBe('https://login.example.com/me/v1');
  });

  it('lists every problem at once, naming the setting and its variable', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: testEnv,
        configure: (draft) => void ((draft.oidc.clientSecret = null), (draft.redis.url = 'not a url')),
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^oidc\.clientSecret \(OIDC_CLIENT_SECRET\): is required/),
        expect.stringMatching(/^redis\.url \(REDIS_URL\): /),
      ]),
    );
  });

  it('names bad values from the environment, several at once', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          ...testEnv,
          PORT: 'eighty',
          TOKEN_ENCRYPTION_KEYS: 'k1:short',
          PUBLIC_ORIGIN: 'http://app.example.com',
          SESSION_SAME_SITE: 'none',
        },
      }),
    );
    expect(problems.join('\n')).toMatch(/server\.port \(PORT\)/);
    expect(problems.join('\n')).toMatch(
      /tokens\.encryptionKeys\[0\] \(TOKEN_ENCRYPTION_KEYS\): must be kid:base64 of 32 bytes/,
    );
    expect(problems.join('\n')).toMatch(/server\.publicOrigin \(PUBLIC_ORIGIN\): must be https:\/\//);
    expect(problems.join('\n')).toMatch(/session\.sameSite \(SESSION_SAME_SITE\)/);
  });

  it('drain delay on shutdown: 0 by default, DRAIN_DELAY_MS sets it, a negative or non-number value is named', () => {
    expect(loadConfig({ env: testEnv }).server.drainDelayMs).toBe(0);
    expect(loadConfig({ env: { ...testEnv, DRAIN_DELAY_MS: '3500' } }).server.drainDelayMs).toBe(3500);
    expect(problemsOf(() => loadConfig({ env: { ...testEnv, DRAIN_DELAY_MS: 'soon' } })).join('\n')).toMatch(
      /server\.drainDelayMs \(DRAIN_DELAY_MS\)/,
    );
    expect(
      problemsOf(() =>
        loadConfig({ env: testEnv, configure: (c) => void (c.server.drainDelayMs = -1) }),
      ).join('\n'),
    ).toMatch(/server\.drainDelayMs/);
  });

  it('refuses unknown settings', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: testEnv, configure: (d) => void ((d.session as Record<string, unknown>).ttl = 5) }),
    );
    expect(problems.join('\n')).toMatch(/session/);
  });

  it('accepts a complete production configuration', () => {
    expect(loadConfig({ env: prodEnv }).oidc.allowInsecureRequests).toBe(false);
  });

  it('refuses development secrets in production', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          ...prodEnv,
          OIDC_CLIENT_SECRET: 'dev-bff-secret',
          SESSION_SECRETS: 'dev-session-secret-change-me-0001',
          TOKEN_ENCRYPTION_KEYS: 'prod:ZGV2LXRva2VuLWtleS0zMi1ieXRlcy1jaGFuZ2UtbWU=',
        },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^oidc\.clientSecret .*development secret/),
        expect.stringMatching(/^session\.secrets\[0\] .*development secret/),
        expect.stringMatching(/^tokens\.encryptionKeys\[0\] .*development secret/),
      ]),
    );
  });

  it('refuses http:// origins and issuers, insecure requests and missing keys in production', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          ...prodEnv,
          AUTH0_DOMAIN: '',
          OIDC_ISSUER: 'http://localhost:4000/',
          PUBLIC_ORIGIN: 'http://localhost:3000',
          OIDC_ALLOW_INSECURE_REQUESTS: 'true',
          SESSION_SECRETS: '',
          TOKEN_ENCRYPTION_KEYS: '',
        },
      }),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/server\.publicOrigin .*https:\/\/ in production/);
    expect(text).toMatch(/oidc\.issuer .*https:\/\/ in production/);
    expect(text).toMatch(/oidc\.allowInsecureRequests .*must be false in production/);
    expect(text).toMatch(/session\.secrets \(SESSION_SECRETS\): needs at least one secret/);
    expect(text).toMatch(/tokens\.encryptionKeys \(TOKEN_ENCRYPTION_KEYS\): needs at least one key/);
  });

  it("requires the My Account API on the issuer's host in production (Auth0 same-domain rule)", () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { ...prodEnv, MY_ACCOUNT_BASE_URL: 'https://tenant.eu.auth0.com/me/v1' } }),
    );
    expect(problems.join('\n')).toMatch(
      /myAccount\.baseUrl \(MY_ACCOUNT_BASE_URL\): must be on the issuer's host login\.example\.com/,
    );
  });

  it('metrics: a separate listener on 127.0.0.1:9464 by default; METRICS_PORT=null serves it on the app port', () => {
    expect(loadConfig({ env: { NODE_ENV: 'development' } }).metrics).toEqual({
      enabled: true,
      port: 9464,
      host: '127.0.0.1',
    });
    const env = { ...testEnv, METRICS_PORT: 'null', METRICS_HOST: '0.0.0.0', METRICS_ENABLED: 'false' };
    expect(loadConfig({ env }).metrics).toEqual({ enabled: false, port: null, host: '0.0.0.0' });
  });

  it('refuses a metrics port equal to the app port, or not a port', () => {
    expect(problemsOf(() => loadConfig({ env: { ...testEnv, PORT: '3000', METRICS_PORT: '3000' } }))).toEqual(
      ['metrics.port (METRICS_PORT): must differ from server.port (null serves /metrics on server.port)'],
    );
    expect(problemsOf(() => loadConfig({ env: { ...testEnv, METRICS_PORT: 'nine' } }))).toEqual([
      expect.stringMatching(/^metrics\.port \(METRICS_PORT\): /),
    ]);
  });

  it('refuses per-route timeouts naming no operation, listing each misspelled key', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: testEnv,
        configure: (draft) => {
          draft.myAccount = {
            ...draft.myAccount,
            perRouteTimeouts: { getFactorz: 2000, 'GET /factors': 2000, 'POST /factorz': 2000 },
          };
        },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^myAccount\.perRouteTimeouts\.getFactorz.*: names no My Account operation/),
      expect.stringMatching(/^myAccount\.perRouteTimeouts\.POST \/factorz.*: names no My Account operation/),
    ]);
  });

  it('refuses stepUp.acrValues a challenge cannot quote, and bad per-operation overrides', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: testEnv,
        configure: (draft) => {
          draft.stepUp = {
            ...draft.stepUp,
            acrValues: 'urn:mfa"x',
            operations: { deleteAuthenticationMethod: { required: true, acrValues: 'a  b' } },
          };
        },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^stepUp\.acrValues: /),
      expect.stringMatching(/^stepUp\.operations\.deleteAuthenticationMethod\.acrValues: /),
      expect.stringMatching(/^stepUp\.allowedAcrValues: /),
    ]);
  });

  it('reads stepUp.operations into the step-up policy', () => {
    const config = loadConfig({
      env: testEnv,
      configure: (draft) => {
        draft.stepUp = { ...draft.stepUp, operations: { getFactors: { required: true, maxAge: 60 } } };
      },
    });
    expect(config.stepUp.operations).toEqual({ getFactors: { required: true, maxAge: 60 } });
    expect(
      resolveStepUpRequirement(
        { method: 'GET', operationId: 'getFactors' },
        stepUpPolicyFromConfig(config.stepUp),
      ),
    ).toMatchObject({ maxAge: 60 });
  });

  it('refuses AUTH0_DOMAIN and OIDC_ISSUER together', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { ...prodEnv, OIDC_ISSUER: 'https://other.example.com/' } }),
    );
    expect(problems.join('\n')).toMatch(/set AUTH0_DOMAIN or OIDC_ISSUER, not both/);
  });
});
