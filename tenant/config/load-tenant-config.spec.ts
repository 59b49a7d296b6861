import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_TENANT_CONFIG_FILE,
  formatPath,
  loadTenantConfig,
  TenantConfigError,
} from './load-tenant-config.js';

describe('loadTenantConfig', () => {
  let dir: string;
  const write = (text: string) => {
    const file = join(dir, 'tenant.yaml');
    writeFileSync(file, text);
    return file;
  };
  const problemsOf = (fn: () => unknown): readonly string[] => {
    try {
      fn();
    } catch (err) {
      if (err instanceof TenantConfigError) return err.problems;
      throw err;
    }
    throw new Error('expected a TenantConfigError');
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenant-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the seed file (config/tenant.yaml) as it is in the repo', () => {
    const config = loadTenantConfig(DEFAULT_TENANT_CONFIG_FILE, {});
    expect(config.tenant.issuer).toBe('http://localhost:4000/');
    expect(config.tenant.custom_domains).toEqual(['http://127.0.0.1:4000/']);
    expect(config.users.map((u) => u.email)).toEqual(['demo@example.com', 'fresh@example.com']);
    expect(config.users[0].methods).toEqual([
      { type: 'totp', secret: 'JBSWY3DPEHPK3PXP', name: 'Authenticator app' },
    ]);
    expect(config.clients[0]).toMatchObject({ client_id: 'myaccount-bff', client_secret: 'dev-bff-secret' });
    expect(config.client_grants.map((g) => g.audience)).toEqual([
      'http://localhost:4000/me/',
      'http://127.0.0.1:4000/me/',
    ]);
  });

  it('lists every problem at once, each with its path', () => {
    const file = write(`
tenant: { issuer: http://localhost:4000, port: 99999, cookie_keys: [short], colour: blue }
redis: { url: http://nope }
my_account_api: { user_policy: sometimes }
users:
  - { email: a@example.com, password: x }
  - { email: not-an-email, password: x, methods: [{ type: totp, secret: "lower case" }] }
`);
    const problems = problemsOf(() => loadTenantConfig(file, {}));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tenant\.issuer: must end with "\/"/),
        expect.stringMatching(/^tenant\.port: /),
        expect.stringMatching(/^tenant\.cookie_keys\[0\]: /),
        'tenant.colour: unknown setting',
        expect.stringMatching(/^redis\.url: must be a redis:\/\/ or rediss:\/\/ URL/),
        expect.stringMatching(/^my_account_api\.user_policy: /),
        expect.stringMatching(/^users\[1\]\.email: /),
        expect.stringMatching(/^users\[1\]\.methods\[0\]\.secret: must be base32/),
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('puts the file name and every problem in the error message', () => {
    const file = write('tenant: { port: "x" }\n');
    expect(() => loadTenantConfig(file, {})).toThrow(
      new RegExp(`Invalid tenant configuration in ${file}:\\n  - `),
    );
  });

  it('applies TENANT_PORT, TENANT_HOST, TENANT_ISSUER and REDIS_URL over the file', () => {
    const config = loadTenantConfig(DEFAULT_TENANT_CONFIG_FILE, {
      TENANT_PORT: '4555',
      TENANT_HOST: '0.0.0.0',
      TENANT_ISSUER: 'http://tenant.test:4555/',
      REDIS_URL: 'redis://redis.test:6380',
    });
    expect(config.tenant.port).toBe(4555);
    expect(config.tenant.host).toBe('0.0.0.0');
    expect(config.tenant.issuer).toBe('http://tenant.test:4555/');
    expect(config.redis.url).toBe('redis://redis.test:6380');
  });

  it('reports a bad TENANT_PORT, unreadable files and broken YAML', () => {
    expect(problemsOf(() => loadTenantConfig(DEFAULT_TENANT_CONFIG_FILE, { TENANT_PORT: '40a' }))).toEqual([
      'TENANT_PORT: must be a port number, got "40a"',
    ]);
    expect(problemsOf(() => loadTenantConfig(join(dir, 'missing.yaml'), {}))[0]).toMatch(
      /^cannot read the file/,
    );
    expect(problemsOf(() => loadTenantConfig(write('tenant: [unclosed\n'), {}))[0]).toMatch(
      /^not valid YAML/,
    );
  });

  it('reads TENANT_CONFIG when no file is given', () => {
    const file = write('tenant: {}\n');
    expect(() => loadTenantConfig(undefined, { TENANT_CONFIG: file })).toThrow(TenantConfigError);
  });

  it('formats paths the way the file reads', () => {
    expect(formatPath(['users', 1, 'email'])).toBe('users[1].email');
    expect(formatPath([])).toBe('(root)');
  });
});
