import type { SoftAuthenticator } from './soft-authenticator.js';
import { totpNow } from './tenant-login.js';

/**
 * A small client of the (local tenant's) My Account API for end-to-end tests: raw calls plus the
 * enrollment flows done the way an app does them (create → out-of-band step → verify at `Location`).
 */

export interface MyAccountResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface MyAccountClientOptions {
  /** `${issuer}me/v1`, e.g. `http://localhost:4000/me/v1`. */
  baseUrl: string;
  accessToken: string;
  /** For DPoP-bound tokens: builds the proof for a request. */
  dpopProof?: (method: string, url: string) => Promise<string>;
}

export interface EnrolledMethod {
  id: string;
  location: string;
}

export function createMyAccountClient(options: MyAccountClientOptions) {
  const base = options.baseUrl.replace(/\/$/, '');

  async function request(method: string, pathOrUrl: string, body?: unknown): Promise<MyAccountResponse> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.dpopProof) {
      headers.authorization = `DPoP ${options.accessToken}`;
      headers.dpop = await options.dpopProof(method, url.split('?')[0]);
    } else {
      headers.authorization = `Bearer ${options.accessToken}`;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
  }

  function expectStatus(res: MyAccountResponse, status: number, what: string): void {
    if (res.status !== status)
      throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }

  async function start(body: Record<string, unknown>) {
    const res = await request('POST', '/authentication-methods', body);
    expectStatus(res, 202, `enroll ${String(body.type)}`);
    return { location: res.headers.get('location')!, body: res.body };
  }

  async function verify(location: string, body: Record<string, unknown>): Promise<EnrolledMethod> {
    const res = await request('POST', `${location}/verify`, body);
    expectStatus(res, 201, 'verify');
    return { id: res.body.id as string, location: res.headers.get('location')! };
  }

  return {
    request,
    listMethods: async () =>
      (await request('GET', '/authentication-methods')).body.authentication_methods as Array<
        Record<string, unknown>
      >,
    deleteMethod: (id: string) => request('DELETE', `/authentication-methods/${encodeURIComponent(id)}`),

    /** Enrolls an authenticator app; returns the secret so the test can produce codes later. */
    async enrollTotp(): Promise<EnrolledMethod & { secret: string }> {
      const started = await start({ type: 'totp' });
      const secret = started.body.manual_input_code as string;
      const code = totpNow(secret);
      return {
        ...(await verify(started.location, { auth_session: started.body.auth_session, otp_code: code })),
        secret,
      };
    },

    /** Enrolls a passkey with the software authenticator, as a browser at `origin` would. */
    async enrollPasskey(authenticator: SoftAuthenticator, origin: string): Promise<EnrolledMethod> {
      const started = await start({ type: 'passkey' });
      const attestation = await authenticator.register(started.body.authn_params_public_key, origin);
      const { id, rawId, type, response, authenticatorAttachment, clientExtensionResults } = attestation;
      return verify(started.location, {
        auth_session: started.body.auth_session,
        authn_response: { id, rawId, type, response, authenticatorAttachment, clientExtensionResults },
      });
    },

    /** Enrolls an email or phone; `readCode` fetches the delivered code (e.g. from `GET /__dev/outbox?to=`). */
    async enrollDelivered(
      body: { type: 'email'; email: string } | { type: 'phone'; phone_number: string },
      readCode: () => Promise<string>,
    ) {
      const started = await start(body);
      return verify(started.location, {
        auth_session: started.body.auth_session,
        otp_code: await readCode(),
      });
    },

    /** Enrolls a recovery code; returns it (shown once). */
    async enrollRecoveryCode(): Promise<EnrolledMethod & { code: string }> {
      const started = await start({ type: 'recovery-code' });
      const done = await verify(started.location, { auth_session: started.body.auth_session });
      return { ...done, code: started.body.recovery_code as string };
    },
  };
}

export type MyAccountClient = ReturnType<typeof createMyAccountClient>;
