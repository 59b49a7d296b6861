import { append, h, setBusy } from './dom.js';

export interface ModalStep {
  body: (Node | string)[];
  /** Omit for an information-only step (just a close button). */
  submitLabel?: string;
  danger?: boolean;
  /** Runs on submit (button or Enter); resolve to close, throw to keep the dialog open. */
  onSubmit?: (form: HTMLFormElement) => Promise<void>;
  /** Shown on the secondary button; default "Cancel" (or "Close" when there is no submit). */
  cancelLabel?: string;
  submitDisabled?: boolean;
}

export interface Modal {
  step(step: ModalStep): void;
  setError(message: string | null): void;
  close(): void;
  readonly submit: HTMLButtonElement;
  readonly closed: Promise<void>;
}

/**
 * A native `<dialog>` (focus trap, Escape to cancel, inert background) with one form: Enter submits, errors are
 * announced with role=alert inside the dialog, focus returns to the opener on close.
 */
export function openModal(title: string, first: ModalStep): Modal {
  const opener = document.activeElement as HTMLElement | null;
  const titleId = `modal-title-${Math.random().toString(36).slice(2)}`;
  const content = h('div', { class: 'modal-body' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' });
  const cancel = h('button', { type: 'button', class: 'btn' });
  const form = h(
    'form',
    { novalidate: true },
    h('h2', { id: titleId }, title),
    content,
    error,
    h('div', { class: 'modal-actions' }, cancel, submit),
  );
  const dialog = h('dialog', { class: 'modal', 'aria-labelledby': titleId }, form);
  let current = first;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (resolveClosed = r));

  const modal: Modal = {
    submit,
    closed,
    step(step) {
      current = step;
      content.replaceChildren();
      append(content, step.body);
      submit.textContent = step.submitLabel ?? '';
      submit.hidden = !step.submitLabel;
      submit.disabled = !!step.submitDisabled;
      submit.className = step.danger ? 'btn btn-danger' : 'btn btn-primary';
      cancel.textContent = step.cancelLabel ?? (step.submitLabel ? 'Cancel' : 'Close');
      modal.setError(null);
      const focusable = content.querySelector<HTMLElement>('input, select, textarea');
      (focusable ?? (step.submitLabel ? submit : cancel)).focus();
    },
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = !message;
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };

  cancel.addEventListener('click', () => modal.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener?.focus?.();
    resolveClosed();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!current.onSubmit || submit.disabled) return;
    const run = current.onSubmit;
    const before = current;
    setBusy(submit, true);
    run(form)
      .then(() => {
        if (current === before) modal.close();
      })
      .catch(() => undefined)
      .finally(() => {
        setBusy(submit, false);
        if (current !== before) submit.disabled = !!current.submitDisabled;
      });
  });
  document.body.append(dialog);
  dialog.showModal();
  modal.step(first);
  return modal;
}

/** A labelled input: the label is a real `<label for>`, hints are tied with aria-describedby. */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement,
  hint?: string,
): HTMLDivElement {
  const id = input.id || `f-${Math.random().toString(36).slice(2)}`;
  input.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl);
}
