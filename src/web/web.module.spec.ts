import { Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_CSP } from './web-assets.js';
import { DEFAULT_WEB_DIRECTORY, WEB_OPTIONS, type WebOptions, WebModule } from './web.module.js';

@Controller()
class NeighbourController {
  @Get('api/session') session() {
    return { from: 'api' };
  }
  @Get('healthz') health() {
    return { ok: true };
  }
  @Post('auth/logout') logout() {
    return { logout_url: 'x' };
  }
}

const dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>page</title>');
writeFileSync(join(dist, 'assets', 'app-ABC123.js'), 'export const ready = 1;');
writeFileSync(join(dist, 'assets', 'styles-DEF456.css'), 'body{}');

async function start(
  web: Parameters<typeof WebModule.forRoot>[0] | 'async',
): Promise<{ app: INestApplication; base: string }> {
  const webModule =
    web === 'async'
      ? WebModule.forRootAsync({ useFactory: () => ({ enabled: true, directory: dist }) })
      : WebModule.forRoot(web);
  @Module({ imports: [webModule], controllers: [NeighbourController] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, base: `http://127.0.0.1:${port}` };
}

/** A GET whose path is sent byte for byte (fetch would normalise `..` and `%2e%2e` away). */
function rawStatus(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.path = path;
    req.on('error', reject).end();
  });
}

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('WebModule', () => {
  describe('enabled', () => {
    let app: INestApplication;
    let base: string;
    beforeAll(async () => ({ app, base } = await start({ enabled: true, directory: dist })));
    afterAll(() => app.close());

    it.each(['/', '/index.html'])('serves the page at %s with no-store and a strict CSP', async (path) => {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('<!doctype html><title>page</title>');
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    });

    it('serves hashed assets with a year of immutable caching and their content type', async () => {
      const js = await fetch(`${base}/assets/app-ABC123.js`);
      expect(js.status).toBe(200);
      expect(await js.text()).toBe('export const ready = 1;');
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const css = await fetch(`${base}/assets/styles-DEF456.css`);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    });

    it('answers HEAD with the headers and no body', async () => {
      const res = await fetch(base + '/', { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String('<!doctype html><title>page</title>'.length));
      expect(await res.text()).toBe('');
    });

    it.each([
      ['GET', '/api/session', 200, '{"from":"api"}'],
      ['GET', '/healthz', 200, '{"ok":true}'],
      ['POST', '/auth/logout', 201, '{"logout_url":"x"}'],
    ])('does not shadow %s %s', async (method, path, status, body) => {
      const res = await fetch(base + path, { method });
      expect(res.status).toBe(status);
      expect(await res.text()).toBe(body);
    });

    it.each([
      '/assets/../index.html',
      '/assets/%2e%2e/index.html',
      '/assets/..%2findex.html',
      '//index.html',
    ])('does not resolve the path %s on disk', async (path) => {
      expect(await rawStatus(base, path)).toBe(404);
    });

    it.each(['/assets/missing.js', '/assets', '/account', '/api/unknown', '/metrics'])(
      'leaves %s to the rest of the app (404 here)',
      async (path) => {
        const res = await fetch(base + path);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-security-policy')).toBeNull();
      },
    );

    it('does not answer other methods on the page', async () => {
      expect((await fetch(base + '/', { method: 'POST' })).status).toBe(404);
    });
  });

  it('registers nothing when disabled', async () => {
    const { app, base } = await start({ enabled: false, directory: dist });
    try {
      expect((await fetch(base + '/')).status).toBe(404);
      expect((await fetch(`${base}/assets/app-ABC123.js`)).status).toBe(404);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('keeps the API up (page 404) when enabled but the page was never built', async () => {
    const { app, base } = await start({ enabled: true, directory: join(dist, 'nope') });
    try {
      expect((await fetch(base + '/')).status).toBe(404);
      expect((await fetch(`${base}/api/session`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('takes its options from a factory (forRootAsync)', async () => {
    const { app, base } = await start('async');
    try {
      expect(app.get<WebOptions>(WEB_OPTIONS)).toEqual({ enabled: true, directory: dist });
      expect((await fetch(base + '/')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('defaults to <repo>/web/dist', () => {
    expect(DEFAULT_WEB_DIRECTORY).toBe(join(process.cwd(), 'web', 'dist'));
  });
});
