import type { Response } from 'express';
import { escapeHtml, PAGE_HEADERS } from '../http/error-page.js';
import type { CallbackOutcome } from './connect-callback.service.js';

/** 302 to the result, or a tiny page that navigates on its own (same-site, so Strict cookies go along). */
export function sendCallbackOutcome(res: Response, outcome: CallbackOutcome): void {
  if (outcome.kind === 'redirect') {
    res.redirect(302, outcome.url);
    return;
  }
  const target = escapeHtml(outcome.url);
  res
    .status(200)
    .set(PAGE_HEADERS)
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}">` +
        `<title>Linking the account</title></head><body><p><a href="${target}">Continue</a></p></body></html>`,
    );
}
