import { TokenCipher, TokenDecryptionFailed } from './token-cipher.js';

const key = (kid: string, fill: number) => ({ kid, key: Buffer.alloc(32, fill) });

describe('TokenCipher', () => {
  const cipher = new TokenCipher({ encryptionKeys: [key('k1', 1)] });

  it('round-trips with the same additional data and shows no plaintext', () => {
    const blob = cipher.encrypt('{"accessToken":"eyJsecret"}', 'tokens\nsid-a\n1');
    expect(blob).toMatch(/^v1\.k1\./);
    expect(blob).not.toContain('eyJ');
    expect(cipher.decrypt(blob, 'tokens\nsid-a\n1')).toBe('{"accessToken":"eyJsecret"}');
  });

  it('uses a fresh IV per write', () => {
    expect(cipher.encrypt('x', 'a')).not.toBe(cipher.encrypt('x', 'a'));
  });

  it.each([
    ['another session id', 'tokens\nsid-b\n1'],
    ['an older version', 'tokens\nsid-a\n0'],
  ])('refuses a blob moved to %s', (_label, otherAad) => {
    const blob = cipher.encrypt('secret', 'tokens\nsid-a\n1');
    expect(() => cipher.decrypt(blob, otherAad)).toThrow(TokenDecryptionFailed);
  });

  it.each([
    ['garbage', 'not-a-blob'],
    ['an unknown key id', 'v1.k9.AAAA.AAAA.AAAA'],
    [
      'a flipped ciphertext byte',
      (() => {
        const p = cipher.encrypt('secret', 'a').split('.');
        p[3] = Buffer.from(Buffer.from(p[3], 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString(
          'base64url',
        );
        return p.join('.');
      })(),
    ],
  ])('refuses %s', (_label, blob) => {
    expect(() => cipher.decrypt(blob, 'a')).toThrow(TokenDecryptionFailed);
  });

  it('decrypts with an older key after rotation; encrypts with the first', () => {
    const old = cipher.encrypt('secret', 'a');
    const rotated = new TokenCipher({ encryptionKeys: [key('k2', 2), key('k1', 1)] });
    expect(rotated.decrypt(old, 'a')).toBe('secret');
    expect(rotated.encrypt('secret', 'a')).toMatch(/^v1\.k2\./);
  });
});
