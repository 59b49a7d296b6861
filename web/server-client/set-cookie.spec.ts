import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { relaySetCookie } from './set-cookie.js';

const response = () => new ServerResponse(new IncomingMessage(new Socket()));
const CLEARED = '__Host-bff=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax';

describe('relaySetCookie', () => {
  it("appends the BFF's lines after those the page set", () => {
    const res = response();
    res.setHeader('set-cookie', 'page=1; Path=/example');
    expect(relaySetCookie(res, [CLEARED])).toBe(true);
    expect(res.getHeader('set-cookie')).toEqual(['page=1; Path=/example', CLEARED]);
  });

  it('keeps several lines apart (never joined with a comma)', () => {
    const res = response();
    relaySetCookie(res, ['a=1', 'b=2']);
    relaySetCookie(res, ['c=3']);
    expect(res.getHeader('set-cookie')).toEqual(['a=1', 'b=2', 'c=3']);
  });

  it('does nothing without lines, and says so when the headers are already sent', () => {
    const res = response();
    expect(relaySetCookie(res, [])).toBe(true);
    expect(res.getHeader('set-cookie')).toBeUndefined();
    Object.defineProperty(res, 'headersSent', { value: true });
    expect(relaySetCookie(res, [CLEARED])).toBe(false);
  });
});
