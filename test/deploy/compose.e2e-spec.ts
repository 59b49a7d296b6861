import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** docker-compose.yml is validated offline (no Docker engine needed) against the compose-spec schema. */
describe('docker-compose.yml', () => {
  it('passes dclint (compose-spec schema and best practices) with no errors or warnings', () => {
    const result = spawnSync('npx', ['--no-install', 'dclint', 'docker-compose.yml'], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs redis, the tenant and the BFF, with the BFF sharing the tenant issuer URL', () => {
    const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
      services: Record<
        string,
        { network_mode?: string; environment?: Record<string, string>; command?: string[] }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['bff', 'redis', 'tenant']);
    expect(compose.services.bff.network_mode).toBe('service:tenant');
    expect(compose.services.bff.environment?.OIDC_ISSUER).toBe('http://localhost:4000/');
    expect(compose.services.tenant.command).toEqual(['node', 'dist/tenant/main.js']);
  });

  it('builds a non-root, multi-stage image', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
