import { jest } from '@jest/globals';
import { MetricsServer } from '../../src/metrics/metrics-server.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { metricsUrl } from '../support/metrics-scrape.js';

jest.setTimeout(60_000);

/**
 * Where `/metrics` is served (config `metrics`): by default on its own listener, never on the public port
 * that the reverse proxy forwards browsers to; on the public port only when `metrics.port` is null.
 */
describe('metrics exposure', () => {
  describe('default: a separate listener', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack();
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('the public port does not serve /metrics', async () => {
      const res = await fetch(`${stack.bff.url}/metrics`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toMatch(/bff_http_requests_total/);
    });

    it('the listener serves GET /metrics in the text format, without cookies, and nothing else', async () => {
      const url = metricsUrl(stack.bff.app);
      expect(new URL(url).port).not.toBe(String(stack.bff.port));
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toMatch(/^# HELP bff_http_requests_total /m);
      expect((await fetch(url.replace(/\/metrics$/, '/healthz'))).status).toBe(404);
      const post = await fetch(url, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    });

    it('closes the listener with the app', async () => {
      const url = metricsUrl(stack.bff.app);
      const server = stack.bff.app.get(MetricsServer);
      await stack.close();
      expect(server.url).toBeUndefined();
      await expect(fetch(url)).rejects.toThrow();
    });
  });

  describe('metrics.port null: on the public port', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({
        bff: { configure: (c) => void (c.metrics = { ...c.metrics, port: null } as typeof c.metrics) },
      });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('serves GET /metrics beside the app and counts its own scrapes', async () => {
      await fetch(`${stack.bff.url}/metrics`);
      const res = await fetch(`${stack.bff.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toMatch(
        /^bff_http_requests_total\{route_class="metrics",status="200"\} [1-9]/m,
      );
      expect(() => stack.bff.app.get(MetricsServer)).toThrow();
    });
  });

  describe('metrics.enabled false', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({
        bff: { configure: (c) => void (c.metrics = { ...c.metrics, enabled: false } as typeof c.metrics) },
      });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('serves no metrics anywhere', async () => {
      expect((await fetch(`${stack.bff.url}/metrics`)).status).toBe(404);
      expect(() => stack.bff.app.get(MetricsServer)).toThrow();
    });
  });
});
