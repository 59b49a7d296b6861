import { escapeHtml } from '../http/error-page.js';

/** The pages that end a login loop: what happened, what to check, a link to try again (never a redirect). */

function page(title: string, lead: string, checks: string[], links: [string, string][]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(lead)}</p>`,
    '<h2>What to check</h2>',
    `<ul>${checks.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`,
    `<p>${links.map(([href, label]) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`).join(' · ')}</p>`,
    '</body></html>',
  ].join('\n');
}

function wait(seconds: number): string {
  return seconds >= 120 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
}

function loginLink(returnTo: string): string {
  return returnTo === '/' ? '/auth/login' : `/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
}

export function loginLoopPage(retryAfterSeconds: number, returnTo: string): string {
  return page(
    'Sign-in keeps restarting',
    'This browser started several sign-ins in a short time without finishing one, so the sign-in was ' +
      `stopped here instead of starting over again. You can try again in ${wait(retryAfterSeconds)}.`,
    [
      'Cookies are allowed for this site: the sign-in needs them to come back to you (private windows, ' +
        'strict tracking protection or cookie-blocking extensions can drop them).',
      'You opened this site at its usual address (the same host name and https), not a bookmark of an old ' +
        'or different address.',
      'Only one tab or window is signing in, and no page or bookmark opens the sign-in automatically.',
      'If it happens again, tell the site administrator: the sign-in service or the site may be ' +
        'misconfigured (for example a session cookie the browser refuses on the way back).',
    ],
    [
      [loginLink(returnTo), 'Try again'],
      ['/', 'Home'],
    ],
  );
}

export function stepUpLoopPage(retryAfterSeconds: number, returnTo: string): string {
  return page(
    'Extra verification keeps failing',
    'This action needs a recent sign-in with a second factor, and the last sign-ins came back without ' +
      `one, so you were not sent round again. You can try again in ${wait(retryAfterSeconds)}.`,
    [
      'When the sign-in page asks for a second step (authenticator code, passkey, email or SMS code), ' +
        'complete it rather than skipping it.',
      'If the sign-in page never asks for a second step, your account may have no second factor set up, ' +
        'or the sign-in service does not offer one: tell the site administrator.',
      'Sign in as the same account you are using here.',
    ],
    [
      [returnTo, 'Back'],
      ['/', 'Home'],
    ],
  );
}
