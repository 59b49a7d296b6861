import express from 'express';
import type { AddressInfo } from 'node:net';
import { bodyParsers } from './body-parsers.js';

describe('bodyParsers', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(bodyParsers('1kb'));
    app.use((req, res) => {
      if (req.body !== undefined) return void res.json({ parsed: req.body });
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => res.json({ raw: Buffer.concat(chunks).toString() }));
    });
    app.use(
      (
        err: { status?: number },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res.status(err.status ?? 500).json({ error: true });
      },
    );
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = (path: string, body: string, type: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body }).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));

  it('parses JSON and forms elsewhere', async () => {
    expect(await post('/auth/logout', 'csrf=abc', 'application/x-www-form-urlencoded')).toEqual({
      status: 200,
      body: { parsed: { csrf: 'abc' } },
    });
    expect(await post('/api/login/password', '{"a":1}', 'application/json')).toEqual({
      status: 200,
      body: { parsed: { a: 1 } },
    });
  });

  it.each(['/api/me/v1/authentication-methods', '/API/Me/v1/x', '//api//me/v1/x'])(
    'leaves the body of %s unread for the proxy',
    async (path) => {
      expect(await post(path, '{"type":"totp"}', 'application/json')).toEqual({
        status: 200,
        body: { raw: '{"type":"totp"}' },
      });
    },
  );

  it('refuses bad JSON (400) and bodies over the limit (413) with errors for the filter', async () => {
    expect((await post('/auth/logout', '{"a":', 'application/json')).status).toBe(400);
    expect((await post('/auth/logout', `{"a":"${'x'.repeat(2000)}"}`, 'application/json')).status).toBe(413);
  });
});
