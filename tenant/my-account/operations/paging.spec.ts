import { ApiError } from '../http/api-error.js';
import { paginate } from './paging.js';

describe('cursor paging', () => {
  const items = Array.from({ length: 25 }, (_, i) => i);

  it('walks every item exactly once with from = next', () => {
    const seen: number[] = [];
    let from: string | undefined;
    do {
      const page = paginate(items, { take: 7, ...(from ? { from } : {}) }, 20);
      seen.push(...page.items);
      from = page.next;
    } while (from);
    expect(seen).toEqual(items);
  });

  it('defaults take, caps it at the maximum', () => {
    expect(paginate(items, {}, 20).items).toHaveLength(10);
    expect(paginate(items, { take: 500 }, 20).items).toHaveLength(20);
  });

  it.each(['garbage', Buffer.from('o:-1').toString('base64url'), Buffer.from('x:1').toString('base64url')])(
    'refuses the cursor %s',
    (from) => {
      expect(() => paginate(items, { from }, 20)).toThrow(ApiError);
    },
  );
});
