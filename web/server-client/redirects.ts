import { BffProblem } from '../client/errors.js';
import { buildLoginPath, isSameOriginPath, withReturnTo } from '../client/navigation.js';

/**
 * The page must send the browser to a login of the BFF and come back: not signed in (`login_required`), a
 * fresh MFA needed (`insufficient_user_authentication`, RFC 9470) or more scopes (`insufficient_scope`).
 * `location` is a same-origin `/auth/...` path whose `returnTo` is the page's; answer it with a 303.
 */
export class BffRedirect extends Error {
  constructor(
    readonly location: string,
    readonly problem: BffProblem,
  ) {
    super(`Sign-in needed (${problem.code})`);
    this.name = 'BffRedirect';
  }
}

/**
 * The redirect for a problem, or undefined when none applies. The BFF's `login_url` is followed only when it
 * is a same-origin path; its `returnTo` is replaced by the page's (a same-origin path, else `/`).
 */
export function redirectFor(problem: BffProblem, returnTo: string): BffRedirect | undefined {
  if (problem.code === 'login_required')
    return new BffRedirect(buildLoginPath({ returnTo: safePath(returnTo) }, '/'), problem);
  if (!problem.needsLogin || !problem.login_url) return undefined;
  const target = withReturnTo(problem.login_url, returnTo);
  return target ? new BffRedirect(target, problem) : undefined;
}

const safePath = (path: string) => (isSameOriginPath(path) ? path : '/');
