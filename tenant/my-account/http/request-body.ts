import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from './api-error.js';

/** Default request-body limit: far above any OAS body (the largest, a passkey attestation, is ~4 kB). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Past this, an oversized body is not even drained: the connection is dropped. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

const tooLarge = (limit: number) =>
  new ApiError(413, 'payload_too_large', `The request body exceeds ${limit} bytes`);

function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const mediaType = header.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json';
}

/** Reads the body; an oversized one is drained (not kept) so the client still reads the 413 cleanly. */
async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > DRAIN_LIMIT) {
      req.socket.destroy();
      break;
    }
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw tooLarge(limit);
  return Buffer.concat(chunks);
}

/**
 * Reads a JSON request body: 415 unless `Content-Type: application/json` (OAS declares 415 on every
 * body-taking operation), 413 over the limit, 400 for malformed JSON or an empty body.
 */
export async function readJsonBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new ApiError(415, 'unsupported_media_type', 'The request body must be application/json');
  }
  const raw = await readRaw(req, limit);
  const text = raw.toString('utf8');
  if (text.trim() === '') throw badRequest('invalid_body', 'A JSON request body is required');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('invalid_json', 'The request body is not valid JSON');
  }
}
