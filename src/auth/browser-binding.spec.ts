import type { Request } from 'express';
import { hashBinding, isBoundTo, readCookie } from './browser-binding.js';

const VALUE = 'a'.repeat(43);
const request = (cookie: string) => ({ headers: { cookie } }) as unknown as Request;

describe('the browser-binding cookie', () => {
  it('is read and matched under its exact name', () => {
    expect(readCookie(request(`x=1; __Host-bff-tx=${VALUE}`), '__Host-bff-tx')).toBe(VALUE);
    expect(isBoundTo(request(`__Host-bff-tx=${VALUE}`), '__Host-bff-tx', hashBinding(VALUE))).toBe(true);
  });

  it.each(['\u00a0', '\ufeff', '\u2028', '\u3000', '\u200b'])(
    'ignores a look-alike named %j + __Host-bff-tx (no __Host- prefix protection)',
    (prefix) => {
      const req = request(`${prefix}__Host-bff-tx=${VALUE}`);
      expect(readCookie(req, '__Host-bff-tx')).toBeUndefined();
      expect(isBoundTo(req, '__Host-bff-tx', hashBinding(VALUE))).toBe(false);
    },
  );
});
