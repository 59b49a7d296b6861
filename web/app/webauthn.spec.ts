import { assertionJson, attestationJson, base64urlToBytes, bytesToBase64url } from './webauthn.js';

const bytes = (...b: number[]) => new Uint8Array(b).buffer;

describe('base64url', () => {
  it.each([[[]], [[0]], [[0xfb, 0xff]], [[1, 2, 3, 4, 5]], [[0xff, 0xfe, 0xfd, 0x00, 0x3e, 0x3f]]])(
    'round-trips %j without padding or +/',
    (list) => {
      const text = bytesToBase64url(new Uint8Array(list));
      expect(text).not.toMatch(/[+/=]/);
      expect([...base64urlToBytes(text)]).toEqual(list);
    },
  );

  it('decodes the RFC 4648 §5 alphabet', () => {
    expect([...base64urlToBytes('-_8')]).toEqual([0xfb, 0xff]);
    expect(bytesToBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('encodes a view of part of a buffer, not the whole buffer', () => {
    const view = new Uint8Array([9, 1, 2, 9]).subarray(1, 3);
    expect(bytesToBase64url(view)).toBe(bytesToBase64url(new Uint8Array([1, 2])));
  });
});

describe('attestationJson', () => {
  const cred = (attachment: string | null, transports: string[]) =>
    ({
      id: 'AQID',
      rawId: bytes(1, 2, 3),
      type: 'public-key',
      authenticatorAttachment: attachment,
      response: {
        clientDataJSON: bytes(4),
        attestationObject: bytes(5),
        getTransports: () => transports,
        getPublicKey: () => bytes(6),
        getAuthenticatorData: () => bytes(7),
      },
      getClientExtensionResults: () => ({}),
      toJSON: () => ({ never: 'used' }),
    }) as unknown as PublicKeyCredential;

  it('carries only the members the My Account OAS allows (response has additionalProperties: false)', () => {
    expect(attestationJson(cred('platform', ['internal']))).toEqual({
      id: 'AQID',
      rawId: 'AQID',
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: { clientDataJSON: 'BA', attestationObject: 'BQ', transports: ['internal'] },
    });
  });

  it('omits an unknown attachment and empty transports', () => {
    expect(attestationJson(cred(null, []))).toEqual({
      id: 'AQID',
      rawId: 'AQID',
      type: 'public-key',
      response: { clientDataJSON: 'BA', attestationObject: 'BQ' },
    });
  });
});

describe('assertionJson', () => {
  it('encodes the assertion for the passkey login grant', () => {
    const cred = {
      id: 'AQID',
      rawId: bytes(1, 2, 3),
      type: 'public-key',
      authenticatorAttachment: 'cross-platform',
      response: {
        authenticatorData: bytes(1),
        clientDataJSON: bytes(2),
        signature: bytes(3),
        userHandle: bytes(4),
      },
      getClientExtensionResults: () => ({}),
    } as unknown as PublicKeyCredential;
    expect(assertionJson(cred)).toEqual({
      id: 'AQID',
      rawId: 'AQID',
      type: 'public-key',
      authenticatorAttachment: 'cross-platform',
      response: { authenticatorData: 'AQ', clientDataJSON: 'Ag', signature: 'Aw', userHandle: 'BA' },
      clientExtensionResults: {},
    });
  });
});
