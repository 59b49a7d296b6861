import { InvalidPath } from './gateway-error.js';
import { hasControlChar, percentDecode } from './percent-decoding.js';
import type { QueryParam } from './route-table.js';

/** Longest raw query string the gateway considers (a cursor plus 20 connection names fit easily). */
export const MAX_QUERY_LENGTH = 4096;

function decodeQueryComponent(raw: string): string {
  // application/x-www-form-urlencoded: `+` is a space (WHATWG URL §5.1).
  const value = percentDecode(raw.replace(/\+/g, ' '), 'The query');
  if (hasControlChar(value)) throw new InvalidPath('The query contains a control character');
  return value;
}

function parsePairs(rawQuery: string): [string, string][] {
  if (rawQuery.length > MAX_QUERY_LENGTH)
    throw new InvalidPath(`The query is longer than ${MAX_QUERY_LENGTH} characters`);
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const [name, value] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      return [decodeQueryComponent(name), decodeQueryComponent(value)];
    });
}

/**
 * Keeps only the query parameters the OAS declares for the operation
 * (docs/architecture.md#the-my-account-proxy: the browser picks nothing else), decoded once and re-encoded by
 * URLSearchParams. A scalar parameter given twice is refused (HTTP parameter pollution: the gateway and the
 * upstream might pick different copies), as is an array parameter repeated more often than its `maxItems`.
 * Returns the query string without `?` ('' when nothing is left).
 */
export function sanitizeQuery(rawQuery: string | undefined, declared: readonly QueryParam[]): string {
  if (!rawQuery || declared.length === 0) return '';
  const pairs = parsePairs(rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery);
  const out = new URLSearchParams();
  for (const param of declared) {
    const values = pairs.filter(([name]) => name === param.name).map(([, value]) => value);
    if (!param.array && values.length > 1) {
      throw new InvalidPath(`The query parameter ${param.name} is given more than once`);
    }
    if (param.maxItems !== null && values.length > param.maxItems) {
      throw new InvalidPath(`The query parameter ${param.name} is given more than ${param.maxItems} times`);
    }
    for (const value of values) out.append(param.name, value);
  }
  return out.toString();
}
