/**
 * DI token of the `fetch` used for every call to the identity provider (openid-client's customFetch and
 * the JWKS fetch). Production uses the global fetch; tests may wrap it at this network seam.
 */
export const OIDC_FETCH = 'OIDC_FETCH';
export type OidcFetch = typeof globalThis.fetch;
