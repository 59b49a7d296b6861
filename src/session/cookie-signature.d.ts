/** The signer express-session uses for its cookie (`s:<sid>.<mac>`); the package ships no types. */
declare module 'cookie-signature' {
  import type { KeyObject } from 'node:crypto';
  /** A secret as a string (its UTF-8 bytes are the HMAC key) or as an imported key (1.2+). */
  const signature: {
    sign(value: string, secret: string | KeyObject): string;
    /** The value when `signed` verifies under `secret` (constant-time), else false. */
    unsign(signed: string, secret: string | KeyObject): string | false;
  };
  export default signature;
}
