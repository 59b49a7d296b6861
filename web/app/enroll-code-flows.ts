import type { AppContext } from './context.js';
import { button, h } from './dom.js';
import type { EnrollApi, Enrollment } from './enroll.js';
import { groupCode } from './format.js';
import { field, type Modal, openModal } from './modal.js';
import { qrSvg } from './qr.js';

const codeInput = () =>
  h('input', {
    type: 'text',
    name: 'otp_code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]*',
    maxlength: 8,
    required: true,
    class: 'code-input',
  });

function copyButton(text: string, what: string): HTMLButtonElement {
  const btn = button(
    `Copy ${what}`,
    () => {
      navigator.clipboard?.writeText(text).then(
        () => (btn.textContent = 'Copied'),
        () => (btn.textContent = 'Copy failed: select and copy it by hand'),
      );
    },
    'btn btn-small',
  );
  return btn;
}

/** Enrolments proven with a code or a saved secret: TOTP, email, phone, recovery code. */
export function codeFlows(app: AppContext, api: EnrollApi) {
  /** The "enter the code" step shared by TOTP, email and phone. */
  const verifyCode =
    (modal: Modal, input: HTMLInputElement, id: string, session: string, what: string, done: string) =>
    async () => {
      const otp = input.value.replace(/\s+/g, '');
      if (!/^\d{4,8}$/.test(otp)) {
        modal.setError('Enter the code: digits only.');
        throw new Error('bad code');
      }
      const ok = await app.run(
        { kind: 'enroll', arg: what },
        'finish adding it',
        () => api.verify(id, { auth_session: session, otp_code: otp }),
        modal,
        'code',
      );
      if (ok) api.done(done);
    };

  async function totp(): Promise<void> {
    let enrollment: { data: Enrollment; id: string } | undefined;
    const ok = await app.run({ kind: 'enroll', arg: 'totp' }, 'add an authenticator app', async () => {
      enrollment = await api.create({ type: 'totp' });
    });
    if (!ok || !enrollment) return;
    const { data, id } = enrollment;
    const secret = data.manual_input_code ?? '';
    const input = codeInput();
    const modal = openModal('Add an authenticator app', { body: [] });
    modal.step({
      body: [
        h(
          'p',
          {},
          'Scan this QR code with your authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password).',
        ),
        data.barcode_uri ? qrSvg(data.barcode_uri, 'QR code for your authenticator app') : '',
        secret &&
          h(
            'details',
            { class: 'manual' },
            h('summary', {}, "Can't scan it? Enter a setup key instead"),
            h('p', {}, h('code', { class: 'secret', 'data-secret': secret }, groupCode(secret))),
            copyButton(secret, 'key'),
          ),
        field('Code from the app', input, 'The 6-digit code the app shows for this account.'),
      ],
      submitLabel: 'Verify',
      onSubmit: verifyCode(modal, input, id, data.auth_session, 'totp', 'Authenticator app added.'),
    });
  }

  function delivered(kind: 'email' | 'phone'): void {
    const isEmail = kind === 'email';
    const address = isEmail
      ? h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true })
      : h('input', {
          type: 'tel',
          name: 'phone_number',
          autocomplete: 'tel',
          required: true,
          placeholder: '+15551234567',
        });
    const channel = h(
      'select',
      { name: 'preferred_authentication_method' },
      h('option', { value: 'sms' }, 'Text message (SMS)'),
      h('option', { value: 'voice' }, 'Voice call'),
    );
    const modal = openModal(isEmail ? 'Add an email address' : 'Add a phone number', {
      body: isEmail
        ? [field('Email address', address, "We'll send a code to this address.")]
        : [
            field('Phone number', address, 'International format, starting with + and the country code.'),
            field('Send codes by', channel),
          ],
      submitLabel: 'Send code',
      onSubmit: async () => {
        const value = address.value.trim();
        if (!value || !address.checkValidity()) {
          modal.setError(
            isEmail ? 'Enter a valid email address.' : 'Enter a phone number, like +15551234567.',
          );
          throw new Error('invalid');
        }
        const body = isEmail
          ? { type: 'email', email: value }
          : { type: 'phone', phone_number: value, preferred_authentication_method: channel.value };
        let enrollment: { data: Enrollment; id: string } | undefined;
        const ok = await app.run(
          { kind: 'enroll', arg: kind },
          isEmail ? 'add an email address' : 'add a phone number',
          async () => void (enrollment = await api.create(body)),
          modal,
        );
        if (!ok || !enrollment) return;
        const input = codeInput();
        modal.step({
          body: [h('p', {}, `We sent a code to ${value}.`), field('Code', input)],
          submitLabel: 'Verify',
          onSubmit: verifyCode(
            modal,
            input,
            enrollment.id,
            enrollment.data.auth_session,
            kind,
            isEmail ? 'Email address added.' : 'Phone number added.',
          ),
        });
      },
    });
  }

  async function recovery(): Promise<void> {
    let enrollment: { data: Enrollment; id: string } | undefined;
    const ok = await app.run({ kind: 'enroll', arg: 'recovery-code' }, 'create a recovery code', async () => {
      enrollment = await api.create({ type: 'recovery-code' });
    });
    if (!ok || !enrollment) return;
    const { data, id } = enrollment;
    const code = data.recovery_code ?? '';
    const saved = h('input', { type: 'checkbox', id: 'rc-saved', name: 'saved' });
    const modal = openModal('Save your recovery code', {
      body: [
        h(
          'p',
          { class: 'warning' },
          'This code is shown only once. Store it somewhere safe, like a password manager: it lets you sign in if you lose your other methods.',
        ),
        h('p', { class: 'recovery' }, h('code', { class: 'secret' }, groupCode(code))),
        copyButton(code, 'code'),
        h('div', { class: 'check' }, saved, h('label', { for: 'rc-saved' }, "I've saved my recovery code")),
      ],
      submitLabel: 'Done',
      submitDisabled: true,
      onSubmit: async () => {
        const done = await app.run(
          { kind: 'enroll', arg: 'recovery-code' },
          'save the recovery code',
          () => api.verify(id, { auth_session: data.auth_session }),
          modal,
        );
        if (done) api.done('Recovery code saved.');
      },
    });
    saved.addEventListener('change', () => (modal.submit.disabled = !saved.checked));
  }

  return { totp, delivered, recovery };
}
