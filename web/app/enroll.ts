import { mePath } from '../client/index.js';
import type { AppContext } from './context.js';
import { h } from './dom.js';
import { codeFlows } from './enroll-code-flows.js';
import { openModal } from './modal.js';
import { attestationJson, hasWebAuthn, toCreationOptions } from './webauthn.js';

export type EnrollKind = 'passkey' | 'totp' | 'email' | 'phone' | 'recovery-code';

/** What `POST /authentication-methods` answers (My Account OAS `CreateAuthenticationMethodResponseContent`). */
export interface Enrollment {
  id?: string;
  auth_session: string;
  authn_params_public_key?: Record<string, unknown>;
  barcode_uri?: string;
  manual_input_code?: string;
  recovery_code?: string;
}

/** Two-step enrolment (My Account §6.1): create, do the out-of-band step, verify with the `auth_session`. */
export interface EnrollApi {
  create(body: Record<string, unknown>): Promise<{ data: Enrollment; id: string }>;
  verify(id: string, body: Record<string, unknown>): Promise<void>;
  done(message: string): void;
}

/** The pending method id: from the body, else the `Location` (a passkey's create answer has no `id`). */
export function idFromLocation(location: string | null): string | null {
  const match = /\/authentication-methods\/([^/?#]+)/.exec(location ?? '');
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

export function enrollFlows(app: AppContext, reload: () => Promise<void>) {
  const api: EnrollApi = {
    async create(body) {
      const res = await app.client.myAccount.send<Enrollment>('POST', 'authentication-methods', body);
      return {
        data: res.data,
        id: res.data.id ?? idFromLocation(res.location) ?? `${String(body.type)}|new`,
      };
    },
    async verify(id, body) {
      await app.client.myAccount.post(mePath('authentication-methods', id, 'verify'), body);
    },
    done(message) {
      // The notice comes with the refreshed list, so what it announces is on screen.
      void reload().then(() => app.notices.show(message, 'success'));
    },
  };
  const code = codeFlows(app, api);
  const available: [EnrollKind, string][] = [
    ...(hasWebAuthn() ? ([['passkey', 'Passkey']] as [EnrollKind, string][]) : []),
    ['totp', 'Authenticator app'],
    ['email', 'Email'],
    ['phone', 'Phone'],
    ['recovery-code', 'Recovery code'],
  ];

  function passkey(): void {
    const modal = openModal('Add a passkey', {
      body: [
        h(
          'p',
          {},
          'Your device will ask you to confirm with your fingerprint, face, screen lock or a security key.',
        ),
      ],
      submitLabel: 'Create passkey',
      onSubmit: async () => {
        const ok = await app.run(
          { kind: 'enroll', arg: 'passkey' },
          'add a passkey',
          async () => {
            const { data, id } = await api.create({ type: 'passkey' });
            const publicKey = toCreationOptions(data.authn_params_public_key ?? {});
            const cred = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential | null;
            if (!cred) throw new DOMException('No credential', 'NotAllowedError');
            await api.verify(id, { auth_session: data.auth_session, authn_response: attestationJson(cred) });
          },
          modal,
          'passkey',
        );
        if (ok) api.done('Passkey added. You can now use it to sign in.');
      },
    });
  }

  return {
    available,
    async start(kind: EnrollKind): Promise<void> {
      if (kind === 'passkey') return hasWebAuthn() ? passkey() : undefined;
      if (kind === 'totp') return code.totp();
      if (kind === 'email' || kind === 'phone') return code.delivered(kind);
      if (kind === 'recovery-code') return code.recovery();
    },
  };
}
