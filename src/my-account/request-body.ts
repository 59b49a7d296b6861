import type { Readable } from 'node:stream';
import { GatewayError, InvalidBody } from './gateway-error.js';

/** Default request-body limit for the proxy: a passkey attestation is a few kB; 64 kB leaves ample room. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** 413: the request body is larger than the proxy accepts. */
export class PayloadTooLarge extends GatewayError {
  constructor(limit: number) {
    super(413, 'payload_too_large', `The request body is larger than ${limit} bytes`);
  }
}

/**
 * Reads a request body as raw bytes, up to `limit` (a declared Content-Length above it is refused before
 * reading). The gateway forwards these bytes as they are (no JSON re-serialisation,
 * docs/architecture.md#performance) and can replay them for the DPoP nonce retry. With `json`, the bytes must
 * parse as JSON (400 otherwise), so malformed input never reaches the upstream.
 */
export async function readRequestBody(
  stream: Readable & { headers?: Record<string, string | string[] | undefined> },
  options: { limit?: number; json?: boolean } = {},
): Promise<Buffer | undefined> {
  const limit = options.limit ?? DEFAULT_BODY_LIMIT;
  const declared = Number(stream.headers?.['content-length'] ?? NaN);
  if (declared > limit) {
    stream.resume(); // discard, so the 413 can still be answered on this connection
    throw new PayloadTooLarge(limit);
  }
  const body = await collect(stream, limit);
  if (body.length === 0) return undefined;
  if (options.json) assertJson(body);
  return body;
}

/** Reads up to `limit` bytes; beyond it, the rest is drained and discarded so the 413 can still be sent. */
function collect(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stream.off('data', onData);
      stream.resume();
      reject(new PayloadTooLarge(limit));
    };
    stream.on('data', onData);
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(chunks)));
  });
}

function assertJson(body: Buffer): void {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new InvalidBody('The request body is not valid UTF-8 JSON');
  }
}
