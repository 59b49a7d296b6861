import type { IncomingMessage } from 'node:http';

/** A request body as UTF-8 text; undefined once it grows past `limit` bytes (the caller answers 413). */
export async function readBodyText(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
