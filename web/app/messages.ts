import type { ProblemCode } from '../../src/public-api.types.js';
import { BffProblem, MyAccountApiError, NetworkError, UnexpectedResponseError } from '../client/index.js';

/** What a person reads when something fails: one sentence, no codes, no stack traces. */
const PROBLEM_SENTENCES: Record<ProblemCode, string> = {
  login_required: 'Your session has ended. Sign in again to continue.',
  invalid_token: 'Your sign-in is no longer valid. Sign in again to continue.',
  csrf_failed: 'This request was blocked to protect your account. Reload the page and try again.',
  insufficient_scope: 'This needs a permission your sign-in did not include. Sign in again to grant it.',
  insufficient_user_authentication: "For your security, confirm it's you before making this change.",
  session_store_unavailable: "We can't reach your session right now. Please try again in a moment.",
  invalid_request: "That request wasn't accepted. Check what you entered and try again.",
  unsupported_media_type: 'Something went wrong sending that request. Reload the page and try again.',
  not_found: 'That item no longer exists. Reload the page to see the latest.',
  method_not_allowed: "That action isn't available.",
  payload_too_large: "That's more data than can be sent at once.",
  rate_limited: 'Too many attempts. Wait a minute, then try again.',
  upstream_unavailable: 'The account service is unavailable right now. Please try again shortly.',
  upstream_timeout: 'The account service took too long to answer. Please try again.',
  idp_unavailable: 'The sign-in service is unavailable right now. Please try again shortly.',
  server_error: 'Something went wrong on our side. Please try again.',
};

const GENERIC = 'Something went wrong. Please try again.';

const WEBAUTHN_SENTENCES: Record<string, string> = {
  NotAllowedError: 'The passkey request was cancelled or timed out.',
  InvalidStateError: 'This device already holds a passkey for your account.',
  SecurityError: "Passkeys can't be used on this address.",
  NotSupportedError: "This device or browser doesn't support passkeys.",
  AbortError: 'The passkey request was cancelled.',
};

/** Where the error happened, when that changes what the person should do. */
export type ErrorContext = 'general' | 'code' | 'passkey' | 'passkey-login' | 'load';

const UNAVAILABLE = "This part of your account isn't available right now.";

export function errorMessage(err: unknown, context: ErrorContext = 'general'): string {
  // A list that is not there (404) is a feature this deployment lacks, not an item that vanished.
  if (
    context === 'load' &&
    (err instanceof BffProblem || err instanceof MyAccountApiError) &&
    err.status === 404
  ) {
    return UNAVAILABLE;
  }
  if (context === 'passkey-login' && err instanceof BffProblem) return passkeyLoginSentence(err);
  if (err instanceof BffProblem) return PROBLEM_SENTENCES[err.code] ?? GENERIC;
  if (err instanceof MyAccountApiError) return myAccountSentence(err, context);
  if (err instanceof NetworkError) return "The server can't be reached. Check your connection and try again.";
  if (err instanceof UnexpectedResponseError) {
    return err.status >= 502 && err.status <= 504 ? PROBLEM_SENTENCES.upstream_unavailable : GENERIC;
  }
  if (err instanceof DOMException || (err instanceof Error && err.name in WEBAUTHN_SENTENCES)) {
    return WEBAUTHN_SENTENCES[(err as Error).name] ?? GENERIC;
  }
  return GENERIC;
}

/** Embedded passkey sign-in: a 401 is a refused passkey (not an ended session), a 404 a missing feature. */
function passkeyLoginSentence(err: BffProblem): string {
  if (err.code === 'login_required') return "That passkey didn't sign you in. Try again, or use Sign in.";
  if (err.code === 'not_found') return "Signing in with a passkey isn't available here. Use Sign in instead.";
  return PROBLEM_SENTENCES[err.code] ?? GENERIC;
}

function myAccountSentence(err: MyAccountApiError, context: ErrorContext): string {
  switch (err.status) {
    case 400:
      if (context === 'code') return "That code didn't work. Check it and try again, or start over.";
      if (context === 'passkey') return "The passkey couldn't be verified. Please try again.";
      return validationSentence(err);
    case 401:
      return PROBLEM_SENTENCES.login_required;
    case 403:
      return context === 'code'
        ? "That code didn't work. Check it and try again, or start over."
        : "Your account isn't allowed to make this change.";
    case 404:
      return PROBLEM_SENTENCES.not_found;
    case 409:
      return "That can't be done right now: it conflicts with how your account is set up (it may be your last way to sign in).";
    case 415:
      return PROBLEM_SENTENCES.unsupported_media_type;
    case 429:
      return PROBLEM_SENTENCES.rate_limited;
    default:
      return err.status >= 500 ? PROBLEM_SENTENCES.upstream_unavailable : GENERIC;
  }
}

/** "Check the email address: must match format "email"." from the first validation error. */
function validationSentence(err: MyAccountApiError): string {
  const first = err.validation_errors[0];
  const field = first?.field ?? first?.pointer?.split('/').pop();
  const label = field ? (FIELD_LABELS[field] ?? field.replace(/_/g, ' ')) : null;
  if (label) return `Check the ${label} and try again.`;
  return "That wasn't accepted. Check what you entered and try again.";
}

const FIELD_LABELS: Record<string, string> = {
  email: 'email address',
  phone_number: 'phone number (use the international format, e.g. +15551234567)',
  name: 'name',
  otp_code: 'code',
};

/**
 * The step-up banner's words. RFC 9470: `acr_values` asks for MFA; a challenge with only `max_age` (a user
 * with no second factor yet, docs/architecture.md#the-my-account-proxy) asks for a recent sign-in;
 * `insufficient_scope` asks for a permission.
 */
export function stepUpCopy(
  problem: { code: ProblemCode; acr_values?: string },
  what: string,
): { title: string; body: string; button: string } {
  const back = "You'll come back here to finish.";
  if (problem.code === 'insufficient_scope') {
    return {
      title: 'One more step',
      body: `To ${what}, sign in again and allow the extra permission. ${back}`,
      button: 'Sign in again',
    };
  }
  const how = problem.acr_values ? 'sign in again with your second factor' : 'sign in again';
  return {
    title: "For your security, confirm it's you",
    body: `To ${what}, ${how}. ${back}`,
    button: "Confirm it's me",
  };
}
