import type { BffClient } from '../client/index.js';
import { button, h, setBusy } from './dom.js';
import { errorMessage } from './messages.js';
import { assertionJson, hasWebAuthn, toRequestOptions } from './webauthn.js';

/** `POST /api/login/passkey/challenge`: an opaque handle (Auth0's `auth_session` stays at the BFF) and options. */
interface PasskeyChallenge {
  handle?: string;
  authn_params_public_key?: Record<string, unknown>;
  publicKey?: Record<string, unknown>;
}

/**
 * Embedded passkey login (docs/architecture.md#the-http-surface): the BFF asks the tenant's
 * `/passkey/challenge`, the browser signs, the BFF exchanges the assertion (grant
 * `urn:okta:params:oauth:grant-type:webauthn`) and sets the session cookie. The body is exactly `{ handle,
 * authn_response }`: the BFF refuses unknown members.
 */
export async function passkeyLogin(client: BffClient): Promise<void> {
  const { data } = await client.request<PasskeyChallenge>('POST', '/api/login/passkey/challenge', {});
  const options = data.authn_params_public_key ?? data.publicKey ?? {};
  const cred = (await navigator.credentials.get({
    publicKey: toRequestOptions(options),
  })) as PublicKeyCredential | null;
  if (!cred) throw new DOMException('No credential', 'NotAllowedError');
  await client.request('POST', '/api/login/passkey', {
    handle: data.handle,
    authn_response: assertionJson(cred),
  });
}

export function signedOutView(client: BffClient, onSignedIn: () => void): HTMLElement {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const passkey = hasWebAuthn()
    ? button(
        'Sign in with a passkey',
        () => {
          setBusy(passkey!, true);
          error.hidden = true;
          passkeyLogin(client).then(onSignedIn, (err: unknown) => {
            setBusy(passkey!, false);
            error.textContent = errorMessage(err, 'passkey-login');
            error.hidden = false;
          });
        },
        'btn btn-large',
      )
    : null;
  return h(
    'section',
    { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Your account'),
    h(
      'p',
      { class: 'muted' },
      'Sign in to manage how you sign in, your connected accounts and where you are signed in.',
    ),
    h(
      'div',
      { class: 'stack' },
      button('Sign in', () => client.login(), 'btn btn-primary btn-large'),
      passkey,
    ),
    error,
  );
}
