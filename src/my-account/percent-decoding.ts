import { InvalidPath } from './gateway-error.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/** Bytes a decoded value may never contain: C0 controls and DEL. */
export function hasControlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A printable description of a character for an error detail (never echoes raw control bytes). */
export const describeChar = (char: string): string =>
  /^[\u0021-\u007e]$/u.test(char)
    ? `"${char}"`
    : `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Percent-decodes one URI component exactly once (RFC 3986 §2.1), as strict UTF-8. Malformed escapes (`%zz`,
 * `%4`) and invalid UTF-8 are refused rather than passed on literally, so the gateway and the upstream can
 * never disagree about what a value is. `reject(byte)` names bytes that may not appear encoded.
 */
export function percentDecode(
  component: string,
  what: string,
  reject: (byte: number) => string | undefined = () => undefined,
): string {
  if (!component.includes('%')) return component;
  const bytes: number[] = [];
  for (let i = 0; i < component.length; i++) {
    const char = component[i];
    if (char !== '%') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const hex = component.slice(i + 1, i + 3);
    if (!HEX_PAIR.test(hex)) throw new InvalidPath(`${what} has a malformed percent-encoding`);
    const byte = parseInt(hex, 16);
    const refusal = reject(byte);
    if (refusal) throw new InvalidPath(`${what} contains ${refusal}`);
    bytes.push(byte);
    i += 2;
  }
  try {
    return UTF8.decode(Uint8Array.from(bytes));
  } catch {
    throw new InvalidPath(`${what} is not valid UTF-8 once decoded`);
  }
}
