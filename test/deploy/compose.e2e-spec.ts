import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';

interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  network_mode?: string;
  environment?: Record<string, string>;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const names = (filter: (s: Service) => boolean) =>
  Object.entries(services)
    .filter(([, s]) => filter(s))
    .map(([name]) => name)
    .sort();
const inScale = (s: Service) => !s.profiles || s.profiles.includes('scale');
const isBff = (s: Service) => s.command?.join(' ') === 'node dist/main.js';
const replicas = names((s) => isBff(s) && s.profiles?.includes('scale') === true);
const caddyfile = readFileSync('deploy/Caddyfile', 'utf8');

/** The `/readyz` URL in a service's health check command. */
const probedUrl = (s: Service) => /fetch\('([^']+)'\)/.exec(s.healthcheck?.test.join(' ') ?? '')?.[1];

/** docker-compose.yml is validated offline (no Docker engine needed) against the compose-spec schema. */
describe('docker-compose.yml', () => {
  it('passes dclint (compose-spec schema and best practices) with no errors or warnings', () => {
    const result = spawnSync('npx', ['--no-install', 'dclint', 'docker-compose.yml'], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  describe('default (docker compose up --build)', () => {
    it('runs redis, the tenant and the BFF, with the BFF sharing the tenant issuer URL', () => {
      expect(names((s) => !s.profiles)).toEqual(['bff', 'redis', 'tenant']);
      expect(services.bff.network_mode).toBe('service:tenant');
      expect(services.bff.environment?.OIDC_ISSUER).toBe('http://localhost:4000/');
      expect(services.bff.environment?.PUBLIC_ORIGIN).toBe('http://localhost:3000');
      expect(services.tenant.ports).toEqual(['127.0.0.1:3000:3000', '127.0.0.1:4000:4000']);
      expect(services.tenant.command).toEqual(['node', 'dist/tenant/main.js']);
    });

    it("the BFF's environment is a valid configuration", () => {
      const config = loadConfig({ env: { ...services.bff.environment } });
      expect(config.redis).toMatchObject({ url: 'redis://redis:6379', sentinel: null, cluster: null });
    });
  });

  describe('profile "scale"', () => {
    it('adds two BFF replicas, one reverse proxy, a Redis replica and three Sentinels', () => {
      expect(names((s) => s.profiles?.includes('scale') === true)).toEqual([
        'bff-1',
        'bff-2',
        'example',
        'proxy',
        'redis-replica',
        'sentinel-1',
        'sentinel-2',
        'sentinel-3',
      ]);
      expect(replicas.length).toBeGreaterThanOrEqual(2);
    });

    it('every long-running service has a health check; replicas are probed on their own /readyz', () => {
      // Services built from the Dockerfile inherit its HEALTHCHECK (liveness, /healthz) unless they set one.
      const imageHasHealthcheck = /^HEALTHCHECK /m.test(readFileSync('Dockerfile', 'utf8'));
      for (const name of names(inScale)) {
        const checked =
          services[name].healthcheck !== undefined || (services[name].build && imageHasHealthcheck);
        expect([name, Boolean(checked)]).toEqual([name, true]);
      }
      for (const name of replicas) {
        expect(probedUrl(services[name])).toBe(`http://127.0.0.1:${services[name].environment?.PORT}/readyz`);
      }
    });

    it('every replica serves one origin, https://localhost, on its own port in the tenant network namespace', () => {
      const ports = replicas.map((name) => services[name].environment?.PORT);
      expect(new Set(ports).size).toBe(replicas.length);
      const metricsPorts = replicas.map((name) => services[name].environment?.METRICS_PORT);
      expect(new Set([...ports, ...metricsPorts, '3000', '4000', '9464']).size).toBe(2 * replicas.length + 3);
      for (const name of replicas) {
        const bff = services[name];
        expect(bff.network_mode).toBe('service:tenant');
        expect(bff.ports).toBeUndefined();
        expect(bff.environment).toMatchObject({
          PUBLIC_ORIGIN: 'https://localhost',
          OIDC_ISSUER: services.bff.environment?.OIDC_ISSUER,
          METRICS_HOST: '0.0.0.0',
        });
        // Whatever the replica's environment says must be a valid configuration.
        const config = loadConfig({ env: { ...bff.environment } });
        expect(config.server.publicOrigin).toBe('https://localhost');
        expect(config.server.port).toBe(Number(bff.environment?.PORT));
      }
    });

    it('the proxy routes to every replica, health-checked on /readyz, and starts once they are healthy', () => {
      const upstreams = /reverse_proxy ([^{\n]+)\{/.exec(caddyfile)?.[1].trim().split(/\s+/);
      expect(upstreams?.sort()).toEqual(replicas.map((name) => `tenant:${services[name].environment?.PORT}`));
      expect(caddyfile).toMatch(/^\s*health_uri \/readyz$/m);
      expect(caddyfile).toMatch(/^\s*lb_policy round_robin$/m);
      expect(services.proxy.depends_on).toEqual(
        Object.fromEntries(replicas.map((name) => [name, { condition: 'service_healthy' }])),
      );
      expect(caddyfile).toMatch(/^\s*handle \/metrics \{\n\s*respond 404\n\s*\}$/m);
    });

    it('TLS: the proxy alone publishes 443 for https://localhost, with a certificate from its internal CA kept in a volume', () => {
      expect(names((s) => (s.ports ?? []).some((p) => p.endsWith(':443')))).toEqual(['proxy']);
      expect(services.proxy.ports).toEqual(['127.0.0.1:443:443']);
      expect(services.proxy.image).toMatch(/^caddy:\d/);
      expect(services.proxy.volumes).toEqual([
        './deploy/Caddyfile:/etc/caddy/Caddyfile:ro',
        'caddy-data:/data',
      ]);
      expect(existsSync('deploy/Caddyfile')).toBe(true);
      expect(Object.keys(compose.volumes)).toContain('caddy-data');
      expect(caddyfile).toMatch(/^https:\/\/localhost \{$/m);
      expect(caddyfile).toMatch(/^\s*tls internal$/m);
    });

    it("the tenant accepts the scale origin's callback, logout and web origin", () => {
      const tenant = parse(readFileSync('config/tenant.yaml', 'utf8')) as {
        clients: Array<{
          client_id: string;
          redirect_uris: string[];
          post_logout_redirect_uris: string[];
          web_origins: string[];
        }>;
      };
      const client = tenant.clients.find((c) => c.client_id === 'myaccount-bff')!;
      expect(client.redirect_uris).toContain('https://localhost/auth/callback');
      expect(client.post_logout_redirect_uris).toContain('https://localhost/');
      expect(client.web_origins).toContain('https://localhost');
    });

    it("Redis Sentinel: the replicas' configuration names the three sentinels and the master they monitor", () => {
      const sentinels = names((s) => s.command?.join(' ').includes('redis-sentinel') === true);
      expect(sentinels).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3']);
      const script = services['sentinel-1'].command!.join(' ');
      const port = Number(/'port (\d+)'/.exec(script)?.[1]);
      const [, master, host, masterPort, quorum] =
        /'sentinel monitor (\S+) (\S+) (\d+) (\d+)'/.exec(script) ?? [];
      expect(services[host]).toBeDefined();
      // The master listens on Redis's default port unless its command says otherwise.
      expect(/--port (\d+)/.exec(services[host].command!.join(' '))?.[1] ?? '6379').toBe(masterPort);
      expect(Number(quorum)).toBeGreaterThanOrEqual(2);
      expect(Number(quorum)).toBeLessThanOrEqual(sentinels.length);
      expect(services['redis-replica'].command?.join(' ')).toContain(`--replicaof ${host} ${masterPort}`);
      for (const name of sentinels) expect(services[name].command).toEqual(services['sentinel-1'].command);
      for (const name of replicas) {
        const config = loadConfig({ env: { ...services[name].environment } });
        expect(config.redis.sentinel).toEqual({
          sentinels: sentinels.map((s) => ({ host: s, port })),
          name: master,
        });
        expect(config.redis.cluster).toBeNull();
        for (const needed of [...sentinels, 'redis-replica'])
          expect(services[name].depends_on?.[needed]).toEqual({ condition: 'service_healthy' });
      }
    });

    it('routes /example/ at the same origin to the server-rendered example, before the BFF', () => {
      const example = services.example;
      expect(example.command).toEqual(['node', 'dist/example/main.js']);
      expect(example.ports).toBeUndefined();
      expect(example.environment).toMatchObject({
        PUBLIC_ORIGIN: 'https://localhost',
        BASE_PATH: '/example',
        BFF_URL: `http://tenant:${services['bff-1'].environment?.PORT}`,
      });
      // The Dockerfile's HEALTHCHECK probes /healthz on PORT: the example answers it.
      expect(example.environment?.PORT).toBe('3100');
      const route = /handle \/example\/\* \{\n\s*reverse_proxy (\S+)\n\s*\}/.exec(caddyfile);
      expect(route?.[1]).toBe(`example:${example.environment?.PORT}`);
      expect(caddyfile.indexOf('handle /example/*')).toBeLessThan(caddyfile.indexOf('handle {'));
      expect(readFileSync('Dockerfile', 'utf8')).toMatch(/^COPY examples \.\/examples$/m);
    });
  });

  it('builds a non-root, multi-stage image', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
