import type { IncomingMessage } from 'node:http';

/**
 * The host a request was sent to: `X-Forwarded-Host` only behind a trusted proxy (`tenant.trust_proxy`),
 * else the Host header. Lower case, with the port.
 */
export function requestHost(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-host'] : undefined;
  const host = typeof forwarded === 'string' && forwarded ? forwarded.split(',')[0] : req.headers.host;
  return (host ?? '').trim().toLowerCase();
}
