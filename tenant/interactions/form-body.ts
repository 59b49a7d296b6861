import type { IncomingMessage } from 'node:http';

const LIMIT = 16 * 1024;

/** The fields of a posted `application/x-www-form-urlencoded` form; undefined when too large or not a form. */
export async function readForm(req: IncomingMessage): Promise<Record<string, string> | undefined> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) return undefined;
    chunks.push(chunk);
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
    fields[key] ??= value;
  return fields;
}
