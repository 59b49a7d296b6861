import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { isMfaRequired, MFA_ACR } from '../accounts/login-factors.js';
import { checkPassword } from '../oidc/password-check.js';
import { INTERACTION_PREFIX } from '../oidc/routes.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../oidc/storage-unavailable.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { grantRequested, requestedScopes } from './consent.js';
import { readForm } from './form-body.js';
import { contentSecurityPolicy, renderErrorPage } from './html.js';
import { LoginStates, type LoginState } from './login-state.js';
import { renderMfa, submitMfa, type MfaOutcome } from './mfa-step.js';
import { consentPage, loginPage } from './pages.js';

/**
 * The pages oidc-provider sends the browser to (`/u/login/<uid>`): the password step, the MFA step and the
 * consent step. GET shows the current step; POST submits it. Wrong input re-renders the same page with an
 * error and never says whether the email exists.
 */

const MAX_MFA_FAILURES = 5;

export interface IssuerBinding {
  provider: Provider;
  issuer: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Step {
  req: IncomingMessage;
  res: ServerResponse;
  provider: Provider;
  issuer: string;
  uid: string;
  action: string;
  interaction: any;
  state: LoginState;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': contentSecurityPolicy(html),
  });
  res.end(html);
}

export function createInteractionHandler(
  tenant: TenantContext,
  bindingFor: (req: IncomingMessage) => IssuerBinding,
  isStorageUp: () => boolean = () => true,
): TenantHandler {
  const states = new LoginStates(tenant.redis, tenant.prefix);
  const clientName = (clientId: string) =>
    tenant.config.clients.find((c) => c.client_id === clientId)?.name ?? clientId;
  const isFirstParty = (clientId: string) =>
    tenant.config.clients.find((c) => c.client_id === clientId)?.first_party === true;

  async function finishLogin(step: Step, withMfa: boolean): Promise<void> {
    const { state } = step;
    const amr = withMfa ? [...new Set([...state.amr, 'mfa'])] : state.amr;
    await states.clear(step.uid);
    const login = { accountId: state.accountId, amr, ...(withMfa ? { acr: MFA_ACR } : {}), remember: true };
    await step.provider.interactionFinished(
      step.req,
      step.res,
      { login },
      { mergeWithLastSubmission: false },
    );
  }

  async function showMfa(step: Step, outcome: Promise<MfaOutcome>): Promise<void> {
    const result = await outcome;
    if (result.kind === 'passed') return finishLogin(step, true);
    if (step.state.failures >= MAX_MFA_FAILURES) {
      await states.clear(step.uid);
      const error = { error: 'access_denied', error_description: 'Too many failed verification attempts' };
      return step.provider.interactionFinished(step.req, step.res, error, { mergeWithLastSubmission: false });
    }
    await states.save(step.uid, step.state);
    send(step.res, result.status, result.html);
  }

  async function mfaInput(step: Step) {
    const account = await tenant.accounts.findById(step.state.accountId as string);
    if (!account) throw new Error('account vanished during login');
    return { tenant, issuer: step.issuer, action: step.action, account, state: step.state };
  }

  /** Step-up on a live session: only the MFA is missing (Auth0 does not ask for the password again). */
  function startFromSession(step: Step): boolean {
    const { prompt, session } = step.interaction;
    const onlyMfa = prompt.reasons.length > 0 && prompt.reasons.every((r: string) => r === 'mfa_requested');
    if (!onlyMfa || !session?.accountId) return false;
    step.state.accountId = session.accountId;
    step.state.amr = ['pwd'];
    return true;
  }

  async function showLogin(step: Step, status = 200, error?: string, username?: string): Promise<void> {
    const prefill = username ?? step.interaction.params.login_hint;
    send(
      step.res,
      status,
      loginPage({
        action: step.action,
        clientName: clientName(step.interaction.params.client_id),
        error,
        username: prefill,
      }),
    );
  }

  async function get(step: Step): Promise<void> {
    const { interaction } = step;
    if (interaction.prompt.name === 'consent') {
      if (isFirstParty(interaction.params.client_id))
        return grantRequested(step.provider, step.req, step.res, interaction);
      return send(
        step.res,
        200,
        consentPage({
          action: step.action,
          clientName: clientName(interaction.params.client_id),
          scopes: requestedScopes(interaction),
        }),
      );
    }
    if (!step.state.accountId && !startFromSession(step)) return showLogin(step);
    return showMfa(
      step,
      mfaInput(step).then((input) => renderMfa(input)),
    );
  }

  async function post(step: Step, fields: Record<string, string>): Promise<void> {
    const { interaction, state } = step;
    if (interaction.prompt.name === 'consent') {
      if (fields.action === 'allow' || isFirstParty(interaction.params.client_id))
        return grantRequested(step.provider, step.req, step.res, interaction);
      const denied = {
        error: 'access_denied',
        error_description: 'The user denied the authorization request',
      };
      return step.provider.interactionFinished(step.req, step.res, denied, {
        mergeWithLastSubmission: false,
      });
    }
    if (state.accountId)
      return showMfa(
        step,
        mfaInput(step).then((input) => submitMfa(input, fields)),
      );
    const username = (fields.username ?? '').trim();
    const check = await checkPassword(tenant, username, fields.password ?? '');
    if (check.kind === 'blocked')
      return showLogin(
        step,
        429,
        'Too many failed attempts for this user. Try again in a few minutes.',
        username,
      );
    if (check.kind === 'wrong') return showLogin(step, 400, 'Wrong email or password.', username);
    const { account } = check;
    state.accountId = account.user_id;
    state.amr = ['pwd'];
    if (!isMfaRequired(account, interaction.params.acr_values)) return finishLogin(step, false);
    await states.save(step.uid, state);
    // Post/redirect/get: the MFA page gets its own URL load, so a reload does not resend the password.
    step.res.writeHead(303, { location: step.action, 'cache-control': 'no-store' }).end();
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://tenant.invalid');
    const uid = url.pathname.slice(INTERACTION_PREFIX.length);
    const { provider, issuer } = bindingFor(req);
    let interaction;
    try {
      interaction = await provider.interactionDetails(req, res);
    } catch (err) {
      if (!isStorageUp()) throw err;
      return send(
        res,
        400,
        renderErrorPage(
          'invalid_request',
          'This login page has expired or was opened in another browser. Start the login again from the application.',
        ),
      );
    }
    if (interaction.uid !== uid)
      return send(
        res,
        400,
        renderErrorPage('invalid_request', 'This login page does not belong to the current login.'),
      );
    const step: Step = {
      req,
      res,
      provider,
      issuer,
      uid,
      action: `${INTERACTION_PREFIX}${uid}`,
      interaction,
      state: await states.get(uid),
    };
    if (req.method === 'GET') return get(step);
    if (req.method !== 'POST') return send(res, 405, renderErrorPage('method_not_allowed'));
    const fields = await readForm(req);
    if (!fields) return send(res, 400, renderErrorPage('invalid_request', 'The form could not be read.'));
    return post(step, fields);
  }

  return (req, res) => {
    serve(req, res).catch((err: Error) => {
      if (res.headersSent) return res.end();
      if (!isStorageUp()) {
        res.setHeader('retry-after', String(STORAGE_RETRY_AFTER_SECONDS));
        return send(
          res,
          503,
          renderErrorPage(
            'temporarily_unavailable',
            'The login service cannot reach its storage. Try again in a few seconds.',
          ),
        );
      }
      console.error('tenant: login step failed', err);
      send(res, 500, renderErrorPage('server_error', 'The login could not be completed. Start again.'));
    });
  };
}
