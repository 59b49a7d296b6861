/** The signer express-session uses for its cookie (`s:<sid>.<mac>`); the package ships no types. */
declare module 'cookie-signature' {
  const signature: {
    sign(value: string, secret: string): string;
    /** The value when `signed` verifies under `secret` (constant-time), else false. */
    unsign(signed: string, secret: string): string | false;
  };
  export default signature;
}
