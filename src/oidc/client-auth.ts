import { importJWK, importPKCS8 } from 'jose';
import * as client from 'openid-client';
import type { OidcConfig } from '../config/config.schema.js';

/** Client authentication at the token endpoint, per `oidc.tokenEndpointAuthMethod`. */
export async function buildClientAuth(config: OidcConfig): Promise<client.ClientAuth> {
  switch (config.tokenEndpointAuthMethod) {
    case 'client_secret_post':
      return client.ClientSecretPost(config.clientSecret ?? undefined);
    case 'private_key_jwt': {
      const { key, kid, alg } = config.privateKeyJwt;
      if (!key) throw new Error('oidc.privateKeyJwt.key is required for private_key_jwt');
      const privateKey = key.trim().startsWith('{')
        ? await importJWK(JSON.parse(key), alg)
        : await importPKCS8(key, alg);
      return client.PrivateKeyJwt({ key: privateKey as CryptoKey, kid: kid ?? undefined });
    }
    default:
      return client.ClientSecretBasic(config.clientSecret ?? undefined);
  }
}
