import type { IncomingMessage } from 'node:http';
import { readBodyText } from '../http/read-body.js';

const LIMIT = 16 * 1024;

/** The fields of a posted `application/x-www-form-urlencoded` form; undefined when too large or not a form. */
export async function readForm(req: IncomingMessage): Promise<Record<string, string> | undefined> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  const text = await readBodyText(req, LIMIT);
  if (text === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) fields[key] ??= value;
  return fields;
}
