import type { FactorType } from '../../accounts/account.types.js';
import { emailEnroller, phoneEnroller } from './delivered-code-enroller.js';
import type { Enroller } from './enroller.js';
import { passkeyEnroller } from './passkey-enroller.js';
import { passwordEnroller } from './password-enroller.js';
import { pushEnroller } from './push-enroller.js';
import { recoveryCodeEnroller } from './recovery-code-enroller.js';
import { totpEnroller } from './totp-enroller.js';

/** The types `POST /authentication-methods` can enroll (webauthn-platform/-roaming are read-only, as at Auth0). */
export const ENROLLERS: ReadonlyMap<FactorType, Enroller> = new Map(
  [
    passkeyEnroller,
    totpEnroller,
    pushEnroller,
    recoveryCodeEnroller,
    emailEnroller,
    phoneEnroller,
    passwordEnroller,
  ].map((e) => [e.type, e] as const),
);
