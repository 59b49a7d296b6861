import { escapeHtml, message, renderPage } from './html.js';

/**
 * The login, MFA, enrollment and consent pages. Each has exactly one `<form method="post">` (tests and
 * scripts drive them by field name: `username`/`password`, then `otp`).
 */

export function loginPage(o: {
  action: string;
  clientName: string;
  username?: string;
  error?: string;
}): string {
  return renderPage({
    title: 'Log in',
    body: `<h1>Log in</h1><p>to continue to ${escapeHtml(o.clientName)}</p>${message('error', o.error)}
<form method="post" action="${escapeHtml(o.action)}">
<label for="username">Email address</label>
<input id="username" name="username" type="email" autocomplete="username webauthn" required value="${escapeHtml(o.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Continue</button>
</form>`,
  });
}

export interface MfaPageOptions {
  action: string;
  error?: string;
  notice?: string;
  /** Factors a code can be sent to: method id and a masked destination. */
  deliverable: Array<{ id: string; label: string }>;
  hasTotp: boolean;
  hasRecoveryCode: boolean;
  /** WebAuthn request options (JSON) when the user has a passkey. */
  passkeyOptions?: unknown;
}

/** JSON inside a <script>: `<` escaped so no `</script>` can close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const PASSKEY_SCRIPT = (options: unknown) => `
(function(){var b=document.getElementById('passkey');if(!b)return;b.addEventListener('click',async function(){
try{var o=PublicKeyCredential.parseRequestOptionsFromJSON(${scriptJson(options)});
var c=await navigator.credentials.get({publicKey:o});var f=document.querySelector('form');
f.elements.webauthn.value=JSON.stringify(c.toJSON());f.submit();}catch(e){alert('Passkey failed: '+e.message);}});})();`;

export function mfaPage(o: MfaPageOptions): string {
  const hints = [
    o.hasTotp ? 'the code from your authenticator app' : '',
    o.deliverable.length ? 'a code we send you' : '',
    o.hasRecoveryCode ? 'a recovery code' : '',
  ]
    .filter(Boolean)
    .join(', or ');
  const sends = o.deliverable
    .map(
      (d) =>
        `<button class="secondary" type="submit" name="action" value="send:${escapeHtml(d.id)}" formnovalidate>Send a code to ${escapeHtml(d.label)}</button>`,
    )
    .join('\n');
  return renderPage({
    title: 'Verify your identity',
    body: `<h1>Verify your identity</h1><p>Enter ${escapeHtml(hints || 'your code')}.</p>${message('error', o.error)}${message('notice', o.notice)}
<form method="post" action="${escapeHtml(o.action)}">
<label for="otp">Code</label>
<input id="otp" name="otp" inputmode="text" autocomplete="one-time-code" autofocus>
<input type="hidden" name="webauthn" value="">
<button type="submit" name="action" value="verify">Continue</button>
${sends}
${o.passkeyOptions ? '<button class="secondary" type="button" id="passkey">Use a passkey</button>' : ''}
</form>`,
    script: o.passkeyOptions ? PASSKEY_SCRIPT(o.passkeyOptions) : undefined,
  });
}

export function enrollTotpPage(o: {
  action: string;
  secret: string;
  otpauthUri: string;
  error?: string;
}): string {
  return renderPage({
    title: 'Secure your account',
    body: `<h1>Secure your account</h1>
<p>This login needs a second factor and you have none yet. Add this key to an authenticator app, then enter the code it shows.</p>
<p>Key: <code id="totp-secret">${escapeHtml(o.secret)}</code></p>
<p><small>Or open: <code id="otpauth-uri">${escapeHtml(o.otpauthUri)}</code></small></p>${message('error', o.error)}
<form method="post" action="${escapeHtml(o.action)}">
<label for="otp">Code</label>
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Continue</button>
</form>`,
  });
}

export function consentPage(o: { action: string; clientName: string; scopes: string[] }): string {
  const items = o.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return renderPage({
    title: 'Authorize',
    body: `<h1>Authorize ${escapeHtml(o.clientName)}</h1><p>It asks for:</p><ul>${items}</ul>
<form method="post" action="${escapeHtml(o.action)}">
<button type="submit" name="action" value="allow">Allow</button>
<button class="secondary" type="submit" name="action" value="deny">Deny</button>
</form>`,
  });
}
