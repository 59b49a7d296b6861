import { InvalidRequest } from '../http/bff-error.js';
import { assertEmptyBody, parsePasskeyLogin, parsePasswordLogin } from './login-bodies.js';

const HANDLE = 'h'.repeat(43);
const assertion = {
  id: 'Y3JlZA',
  rawId: 'Y3JlZA',
  type: 'public-key',
  authenticatorAttachment: 'platform',
  response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'c2ln', userHandle: 'dXNlcg' },
  clientExtensionResults: {},
};

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequest);
    return (err as InvalidRequest).detail;
  }
  throw new Error('expected a 400');
}

describe('embedded-login bodies', () => {
  it('accepts what PublicKeyCredential.toJSON() gives, null user handle and attachment included', () => {
    expect(parsePasskeyLogin({ handle: HANDLE, authn_response: assertion })).toEqual({
      handle: HANDLE,
      authn_response: assertion,
    });
    const nulls = {
      ...assertion,
      authenticatorAttachment: null,
      response: { ...assertion.response, userHandle: null },
    };
    expect(
      parsePasskeyLogin({ handle: HANDLE, authn_response: nulls }).authn_response.response.userHandle,
    ).toBeNull();
  });

  it.each([
    [undefined, 'body'],
    [null, 'body'],
    ['text', 'body'],
    [[], 'body'],
    [{ handle: HANDLE }, 'authn_response'],
    [{ handle: 'short', authn_response: assertion }, 'handle'],
    [{ handle: `${'h'.repeat(42)}/`, authn_response: assertion }, 'handle'],
    [{ handle: HANDLE, authn_response: { ...assertion, type: 'password' } }, 'authn_response.type'],
    [{ handle: HANDLE, authn_response: { ...assertion, id: 'a+b' } }, 'authn_response.id'],
    [{ handle: HANDLE, authn_response: { ...assertion, id: 'a'.repeat(1025) } }, 'authn_response.id'],
    [
      { handle: HANDLE, authn_response: { ...assertion, response: { ...assertion.response, signature: 1 } } },
      'signature',
    ],
    [
      {
        handle: HANDLE,
        authn_response: { ...assertion, response: { ...assertion.response, attestationObject: 'x' } },
      },
      'attestationObject',
    ],
    [{ handle: HANDLE, authn_response: assertion, auth_session: 'x' }, 'auth_session'],
    [{ handle: HANDLE, authn_response: { ...assertion, __proto__: { polluted: 1 }, extra: 1 } }, 'extra'],
  ])('refuses passkey body %#, naming %s', (body, named) => {
    expect(problem(() => parsePasskeyLogin(body))).toContain(named);
  });

  it('accepts a password body and never echoes the password in a refusal', () => {
    expect(parsePasswordLogin({ username: ' demo@example.com ', password: 'p w' })).toEqual({
      username: 'demo@example.com',
      password: 'p w',
    });
    const detail = problem(() =>
      parsePasswordLogin({ username: 'demo', password: 'secret-value', realm: 'x' }),
    );
    expect(detail).toContain('realm');
    expect(detail).not.toContain('secret-value');
  });

  it.each([
    [{ username: '', password: 'x' }, 'username'],
    [{ username: 'a'.repeat(321), password: 'x' }, 'username'],
    [{ username: 'a', password: '' }, 'password'],
    [{ username: 'a', password: 'x'.repeat(1025) }, 'password'],
    [{ username: ['a'], password: 'x' }, 'username'],
  ])('refuses password body %#, naming %s', (body, named) => {
    expect(problem(() => parsePasswordLogin(body))).toContain(named);
  });

  it('a challenge takes no body or {} only', () => {
    expect(() => assertEmptyBody(undefined)).not.toThrow();
    expect(() => assertEmptyBody({})).not.toThrow();
    for (const body of [{ realm: 'x' }, [], 'x', null])
      expect(() => assertEmptyBody(body)).toThrow(InvalidRequest);
  });
});
