import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';

/**
 * Grants what the authorization request asked for (RFC 6749 §3.3): the missing OIDC scopes and claims and,
 * per resource indicator, the missing resource scopes (already capped by the access policy in
 * `getResourceServerInfo`). First-party clients get this without a page, as at Auth0.
 */
export async function grantRequested(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  interaction: any, // eslint-disable-line @typescript-eslint/no-explicit-any
): Promise<void> {
  const { prompt, params, session, grantId } = interaction;
  const details = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope?.length) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const savedId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: grantId ? {} : { grantId: savedId } },
    { mergeWithLastSubmission: true },
  );
}

/** The scopes the consent page lists for a third-party client. */
export function requestedScopes(interaction: { prompt: { details: Record<string, unknown> } }): string[] {
  const d = interaction.prompt.details as {
    missingOIDCScope?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  return [...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()];
}
