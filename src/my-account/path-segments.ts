import { InvalidPath } from './gateway-error.js';
import { describeChar, hasControlChar, percentDecode } from './percent-decoding.js';

/** Longest raw path (after `/api/me/v1`) the gateway considers; the OAS paths are far shorter. */
export const MAX_PATH_LENGTH = 1024;

/**
 * Characters allowed unencoded in a path: RFC 3986 `pchar` plus `/`, and the raw `|` browsers and SDKs send
 * in authentication-method ids (my-account-api.md §4.4). Anything else (backslash, space, quotes, controls,
 * non-ASCII) must arrive percent-encoded, or the request is refused.
 */
const RAW_PATH_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/|]$/u;

/** Encoded bytes that would change the path's structure or smuggle a second decoding (BCP-19). */
function refuseEncoded(byte: number): string | undefined {
  if (byte === 0x2f) return 'an encoded slash (%2F)';
  if (byte === 0x5c) return 'an encoded backslash (%5C)';
  if (byte === 0x25) return 'a double percent-encoding (%25)';
  if (byte < 0x20 || byte === 0x7f) return 'an encoded control character';
  return undefined;
}

/**
 * Splits a raw request path (relative to `/api/me/v1`, still percent-encoded) into segments decoded exactly
 * once (docs/architecture.md#the-my-account-proxy). Refuses, with a 400 `invalid_request`, everything that
 * could make the gateway and the upstream resolve different resources: dot segments in any encoding, encoded
 * slashes and backslashes, raw backslashes, double encoding, control characters, empty segments and overlong
 * paths.
 */
export function decodePathSegments(rawPath: string): string[] {
  if (rawPath.length > MAX_PATH_LENGTH)
    throw new InvalidPath(`The path is longer than ${MAX_PATH_LENGTH} characters`);
  if (rawPath === '') return [];
  if (!rawPath.startsWith('/')) throw new InvalidPath('The path must start with "/"');
  for (const char of rawPath) {
    if (!RAW_PATH_CHAR.test(char))
      throw new InvalidPath(`The path contains the character ${describeChar(char)}`);
  }
  return rawPath
    .slice(1)
    .split('/')
    .map((raw) => {
      if (raw === '') throw new InvalidPath('The path contains an empty segment');
      const segment = percentDecode(raw, 'The path', refuseEncoded);
      if (segment === '.' || segment === '..') throw new InvalidPath('The path contains a dot segment');
      if (hasControlChar(segment)) throw new InvalidPath('The path contains a control character');
      return segment;
    });
}
