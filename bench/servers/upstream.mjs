// The fast fake My Account API: a fixed ~1 kB JSON body for any GET .../authentication-methods carrying
// a Bearer token (401 without one, so a proxy that forgets the token shows up as non-2xx answers).
// GET /__stats answers how many requests it served, to check every proxied request reached it.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { announce } from './parent-watch.mjs';

const method = (i, type, extra) => ({
  id: `${type}|dev_${'0123456789abcdef'.slice(i)}${i}AbCdEfGh`,
  type,
  created_at: `2026-11-0${i + 1}T10:2${i}:33.123Z`,
  usage: ['secondary'],
  ...extra,
});
const BODY = Buffer.from(
  JSON.stringify({
    authentication_methods: [
      method(0, 'password', {
        identity_user_id: 'auth0|6502b3f1c0ffee0123456789',
        usage: ['primary'],
        last_password_reset: '2026-10-01T08:00:00.000Z',
      }),
      method(1, 'totp', { name: 'Authenticator app', confirmed: true }),
      method(2, 'email', { name: 'Work email', email: 'd***@example.com', confirmed: true }),
      method(3, 'phone', {
        name: 'Mobile',
        phone_number: '+1XXXXXXX42',
        preferred_authentication_method: 'sms',
        confirmed: true,
      }),
      method(4, 'recovery-code', { confirmed: true }),
      method(5, 'passkey', {
        credential_device_type: 'multi_device',
        credential_backed_up: true,
        key_id: 'Y3JlZGVudGlhbC1pZC1leGFtcGxl',
        transports: ['internal', 'hybrid'],
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
        usage: ['primary'],
      }),
    ],
  }),
);

let served = 0;
const server = createServer((req, res) => {
  if (req.url === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ served, bytes: BODY.length }));
    return;
  }
  if (req.method !== 'GET' || !req.url.endsWith('/authentication-methods')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not_found"}');
    return;
  }
  if (!/^Bearer \S{20,}$/.test(req.headers.authorization ?? '')) {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
    res.end('{"error":"unauthorized"}');
    return;
  }
  served++;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': BODY.length });
  res.end(BODY);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce({ port: server.address().port, bytes: BODY.length }));
