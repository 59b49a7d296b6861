import { invalidField } from '../http/api-error.js';

/**
 * Cursor paging (`from` = the previous page's `next`, `take` = page size). The cursor is an opaque
 * base64url offset; `take` is capped at the OAS list maximum.
 */
export function paginate<T>(
  all: readonly T[],
  query: Readonly<Record<string, unknown>>,
  max: number,
  fallback = 10,
) {
  const take = Math.min((query.take as number | undefined) ?? fallback, max);
  let offset = 0;
  if (query.from !== undefined) {
    const decoded = Buffer.from(String(query.from), 'base64url').toString('utf8');
    if (!/^o:\d{1,9}$/.test(decoded))
      throw invalidField('from', 'from is not a cursor returned by this API', 'query');
    offset = Number(decoded.slice(2));
  }
  const items = all.slice(offset, offset + take);
  const nextOffset = offset + items.length;
  const next = nextOffset < all.length ? Buffer.from(`o:${nextOffset}`).toString('base64url') : undefined;
  return { items, next };
}
