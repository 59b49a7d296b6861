import type { SeedClient, TenantConfig } from '../config/tenant-config.schema.js';

/** A configured client as oidc-provider client metadata (RFC 7591 names). */
export function toClientMetadata(client: SeedClient): Record<string, unknown> {
  const isPublic =
    client.client_secret === undefined && client.token_endpoint_auth_method !== 'private_key_jwt';
  return {
    client_id: client.client_id,
    ...(client.client_secret ? { client_secret: client.client_secret } : {}),
    ...(client.name ? { client_name: client.name } : {}),
    token_endpoint_auth_method: isPublic ? 'none' : client.token_endpoint_auth_method,
    ...(client.jwks ? { jwks: client.jwks } : {}),
    grant_types: client.grant_types,
    response_types: client.grant_types.includes('authorization_code') ? ['code'] : [],
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    ...(client.backchannel_logout_uri
      ? { backchannel_logout_uri: client.backchannel_logout_uri, backchannel_logout_session_required: true }
      : {}),
    require_pushed_authorization_requests: client.require_pushed_authorization_requests,
  };
}

/** Lookups over the configured clients that the provider's hooks need. */
export class ClientDirectory {
  private readonly byId: Map<string, SeedClient>;

  constructor(config: TenantConfig) {
    this.byId = new Map(config.clients.map((c) => [c.client_id, c]));
  }

  get(clientId: string): SeedClient | undefined {
    return this.byId.get(clientId);
  }

  isFirstParty(clientId: string): boolean {
    return this.byId.get(clientId)?.first_party === true;
  }

  isRotating(clientId: string): boolean {
    return this.byId.get(clientId)?.refresh_token.rotation_type === 'rotating';
  }

  reuseInterval(clientId: string): number {
    return this.byId.get(clientId)?.refresh_token.leeway ?? 0;
  }

  refreshTokenLifetime(clientId: string): number {
    return this.byId.get(clientId)?.refresh_token.token_lifetime ?? 2_592_000;
  }

  /** The multi-resource refresh token policy for `audience`, if the application has one. */
  refreshTokenPolicy(clientId: string, audience: string): { audience: string; scope: string[] } | undefined {
    return this.byId.get(clientId)?.refresh_token.policies.find((p) => p.audience === audience);
  }

  /** Allowed Web Origins (CORS for the token endpoint, passkey origins). */
  allowsOrigin(clientId: string, origin: string): boolean {
    return (this.byId.get(clientId)?.web_origins ?? []).some((o) => new URL(o).origin === origin);
  }
}
