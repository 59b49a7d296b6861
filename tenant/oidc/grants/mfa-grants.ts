import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { Account, StoredMethod, StoredTotp } from '../../accounts/account.types.js';
import { loginCodeMatches, matchRecoveryCode, MFA_ACR } from '../../accounts/login-factors.js';
import { confirmedTotps } from '../../accounts/totp-replay.js';
import { hashSecret } from '../../accounts/secret-hash.js';
import { confirmEnrollment } from '../../mfa/mfa-enrollment.js';
import { createMfaServices } from '../../mfa/mfa-services.js';
import type { MfaLogin } from '../../mfa/mfa-tokens.js';
import { newRecoveryCode } from '../../my-account/enrollment/recovery-code-enroller.js';
import type { TenantContext } from '../../tenant-context.js';
import { invalidRequest, oauthError, tooManyAttempts } from '../oauth-errors.js';
import { MFA_OOB_GRANT, MFA_OTP_GRANT, MFA_RECOVERY_CODE_GRANT } from '../routes.js';
import type { DirectLoginIssuer } from './issue-tokens.js';

/**
 * Auth0's MFA grants (authentication-api-oas.json `MfaOtpGrant`, `MfaOobGrant`, `MfaRecoveryCodeGrant`):
 * the `mfa_token` of an `mfa_required` answer, for the client it was issued to, plus proof of a second
 * factor: `otp` (a TOTP code, each accepted once, RFC 6238 §5.2), `oob_code` + `binding_code` (the code
 * `/mfa/challenge` sent), or `recovery_code` (single use: the answer carries the user's new
 * `recovery_code`). Success finishes the login with the audience and scope first asked for (`amr` the
 * first factor's plus `mfa`, `acr` the MFA policy) and spends the mfa_token; a wrong code is 403 `invalid_grant`
 * and counts against the user's failed-code budget (429 `too_many_attempts` once spent).
 */

type Params = Record<string, string | undefined>;

interface Proof {
  /** The method that proved the second factor; undefined when the code was wrong. */
  methodId?: string;
  wrongCode: string;
  /** Runs inside the account update when the proof holds (consumes single-use codes). */
  onAccount?: (account: Account) => void;
}

export function registerMfaGrants(provider: Provider, tenant: TenantContext, issue: DirectLoginIssuer): void {
  const mfa = createMfaServices(tenant);

  async function otpProof(account: Account, login: MfaLogin, params: Params): Promise<Proof> {
    if (!params.otp) throw invalidRequest('Missing required parameter: otp');
    const enrolling = new Set(login.enrolling ?? []);
    const pending = account.methods.filter((m): m is StoredTotp => m.type === 'totp' && enrolling.has(m.id));
    const method = await mfa.totp.match([...confirmedTotps(account), ...pending], params.otp);
    return { methodId: method?.id, wrongCode: 'Invalid otp_code.' };
  }

  async function oobProof(account: Account, token: string, params: Params): Promise<Proof> {
    if (!params.oob_code) throw invalidRequest('Missing required parameter: oob_code');
    const challenge = await mfa.oob.find(params.oob_code, token);
    if (!challenge || challenge.accountId !== account.user_id)
      throw oauthError(403, 'invalid_grant', 'Invalid oob_code.');
    if (!params.binding_code) throw invalidRequest('Missing required parameter: binding_code');
    if (!loginCodeMatches(params.binding_code, challenge.codeHash))
      return { wrongCode: 'Invalid binding_code.' };
    if (!(await mfa.oob.remove(params.oob_code))) throw oauthError(403, 'invalid_grant', 'Invalid oob_code.');
    return { methodId: challenge.methodId, wrongCode: '' };
  }

  async function recoveryProof(account: Account, params: Params, ctx: KoaContextWithOIDC): Promise<Proof> {
    if (!params.recovery_code) throw invalidRequest('Missing required parameter: recovery_code');
    const used = await matchRecoveryCode(account, params.recovery_code);
    if (!used) return { wrongCode: 'Invalid recovery code.' };
    const code = newRecoveryCode();
    const replacement: StoredMethod = {
      id: used.id,
      type: 'recovery-code',
      code_hash: await hashSecret(code),
      confirmed: true,
      created_at: new Date().toISOString(),
    };
    ctx.state.tenantRecoveryCode = code;
    return {
      methodId: used.id,
      wrongCode: '',
      onAccount: (current) => {
        // Two logins racing with one recovery code: only the first replaces it.
        if (
          !current.methods.some(
            (m) => m.id === used.id && m.type === 'recovery-code' && m.code_hash === used.code_hash,
          )
        )
          throw oauthError(403, 'invalid_grant', 'Invalid recovery code.');
        current.methods = current.methods.map((m) => (m.id === used.id ? replacement : m));
      },
    };
  }

  function handlerFor(kind: 'otp' | 'oob' | 'recovery-code') {
    return async function mfaGrant(ctx: KoaContextWithOIDC): Promise<void> {
      const params = ctx.oidc.params as Params;
      const token = params.mfa_token;
      if (!token) throw invalidRequest('Missing required parameter: mfa_token');
      const check = await mfa.tokens.check(token, ctx.oidc.client.clientId);
      if (!check.ok) throw oauthError(check.refusal.status, check.refusal.error, check.refusal.description);
      const { login } = check;
      const account = await tenant.accounts.findById(login.accountId);
      if (!account) throw oauthError(403, 'invalid_grant', 'Malformed mfa_token');
      if (await mfa.attempts.isBlocked(account.user_id)) throw tooManyAttempts();
      let proof: Proof;
      if (kind === 'otp') proof = await otpProof(account, login, params);
      else if (kind === 'oob') proof = await oobProof(account, token, params);
      else proof = await recoveryProof(account, params, ctx);
      const { methodId } = proof;
      if (!methodId) {
        await mfa.attempts.recordFailure(account.user_id);
        throw oauthError(403, 'invalid_grant', proof.wrongCode);
      }
      if (!(await mfa.tokens.spend(token))) throw oauthError(403, 'invalid_grant', 'Malformed mfa_token');
      await tenant.accounts.update(account.user_id, (current) => {
        proof.onAccount?.(current);
        confirmEnrollment(current, login.enrolling ?? [], methodId);
        const used = current.methods.find((m) => m.id === methodId);
        if (used) used.last_auth_at = new Date().toISOString();
      });
      await issue(ctx, {
        accountId: account.user_id,
        amr: [...(login.amr ?? ['pwd']), 'mfa'],
        acr: MFA_ACR,
        gty: `mfa-${kind}`,
        scope: login.scope,
        audience: params.audience ?? login.audience,
      });
      const recoveryCode = ctx.state.tenantRecoveryCode as string | undefined;
      if (recoveryCode && ctx.body && typeof ctx.body === 'object')
        (ctx.body as Record<string, unknown>).recovery_code = recoveryCode;
    };
  }

  provider.registerGrantType(MFA_OTP_GRANT, handlerFor('otp'), ['mfa_token', 'otp', 'audience']);
  provider.registerGrantType(MFA_OOB_GRANT, handlerFor('oob'), [
    'mfa_token',
    'oob_code',
    'binding_code',
    'audience',
  ]);
  provider.registerGrantType(MFA_RECOVERY_CODE_GRANT, handlerFor('recovery-code'), [
    'mfa_token',
    'recovery_code',
    'audience',
  ]);
}
