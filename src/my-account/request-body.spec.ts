import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GatewayError } from './gateway-error.js';
import { PayloadTooLarge, readRequestBody } from './request-body.js';

const streamOf = (chunks: (string | Buffer)[], headers: Record<string, string> = {}) =>
  Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers });

describe('readRequestBody', () => {
  it('returns the exact bytes, unparsed and unchanged', async () => {
    const body = await readRequestBody(streamOf(['{ "a" :', ' 1 }']), { json: true });
    expect(body?.toString()).toBe('{ "a" : 1 }');
  });

  it('returns undefined for an empty body', async () => {
    expect(await readRequestBody(streamOf([]))).toBeUndefined();
  });

  it.each([
    ['a declared length above the limit', [], { 'content-length': '11' }],
    ['a streamed body above the limit', ['123456', '789012'], {}],
  ])('refuses %s with 413 payload_too_large', async (_name, chunks, headers) => {
    await expect(readRequestBody(streamOf(chunks, headers), { limit: 10 })).rejects.toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
  });

  it.each(['{', '{"a":1', 'not json', '{"a":1}}', '\u0000'])(
    'refuses malformed JSON %j with 400',
    async (text) => {
      const error = await readRequestBody(streamOf([text]), { json: true }).catch((e: GatewayError) => e);
      expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    },
  );

  it('refuses invalid UTF-8 in a JSON body', async () => {
    const bytes = Buffer.from([0x22, 0xc3, 0x28, 0x22]);
    await expect(readRequestBody(streamOf([bytes]), { json: true })).rejects.toMatchObject({ status: 400 });
  });

  it('accepts any bytes without json', async () => {
    expect((await readRequestBody(streamOf(['not json'])))?.toString()).toBe('not json');
  });

  it('lets a server still answer 413 on a real connection after an oversized chunked upload', async () => {
    const server = createServer((req, res) => {
      readRequestBody(req, { limit: 1000 }).then(
        () => res.writeHead(200).end(),
        (error: PayloadTooLarge) => res.writeHead(error.status).end(error.code),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(500, 97));
      req.end();
    });
    server.close();
    expect(status).toBe(413);
  });
});
