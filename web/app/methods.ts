import { mePath } from '../client/index.js';
import type { AppContext } from './context.js';
import { button, fill, h, showLoadError, timeEl } from './dom.js';
import { enrollFlows, type EnrollKind } from './enroll.js';
import {
  type AuthenticationMethod,
  canRename,
  methodDetail,
  methodLabel,
  relativeTime,
  visibleMethods,
} from './format.js';
import { errorMessage } from './messages.js';
import { field, openModal } from './modal.js';

/** "Sign-in methods": the user's authentication methods, with rename, remove and add. */
export function methodsSection(app: AppContext) {
  const list = h('ul', { class: 'list', 'aria-label': 'Your sign-in methods' });
  const status = h('p', { class: 'muted' }, 'Loading your sign-in methods…');
  const flows = enrollFlows(app, () => load());
  const addRow = h(
    'div',
    { class: 'add-row', role: 'group', 'aria-label': 'Add a sign-in method' },
    ...flows.available.map(([kind, label]) => button(label, () => void flows.start(kind), 'btn btn-small')),
  );
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'methods-title' },
    h('h2', { id: 'methods-title' }, 'Sign-in methods'),
    status,
    list,
    h('h3', { class: 'subhead' }, 'Add a method'),
    addRow,
  );
  let methods: AuthenticationMethod[] = [];

  async function load(): Promise<void> {
    try {
      const body = await app.client.myAccount.get<{ authentication_methods: AuthenticationMethod[] }>(
        'authentication-methods',
      );
      methods = visibleMethods(body.authentication_methods ?? []);
      status.textContent = methods.length ? '' : 'No sign-in methods yet. Add one below.';
      status.hidden = methods.length > 0;
      fill(list, ...methods.map(item));
    } catch (err) {
      showLoadError(status, 'your sign-in methods', errorMessage(err, 'load'), () => void load());
    }
  }

  function item(m: AuthenticationMethod): HTMLLIElement {
    const label = methodLabel(m.type);
    const detail = methodDetail(m);
    const actions = h(
      'div',
      { class: 'item-actions' },
      canRename(m) &&
        button('Rename', () => rename(m), 'btn btn-small', {
          'aria-label': `Rename ${label} ${detail}`.trim(),
        }),
      m.type !== 'password' &&
        button('Remove', () => remove(m), 'btn btn-small btn-danger-quiet', {
          'aria-label': `Remove ${label} ${detail}`.trim(),
        }),
    );
    return h(
      'li',
      { class: 'item', 'data-method-id': m.id, 'data-type': m.type },
      h(
        'div',
        { class: 'item-main' },
        h('span', { class: 'item-title' }, label),
        detail && h('span', { class: 'item-detail' }, detail),
        h(
          'span',
          { class: 'item-meta' },
          'Added ',
          timeEl(m.created_at, relativeTime(m.created_at)),
          ' · ',
          m.last_auth_at
            ? h('span', {}, 'last used ', timeEl(m.last_auth_at, relativeTime(m.last_auth_at)))
            : 'never used',
        ),
      ),
      actions,
    );
  }

  function rename(m: AuthenticationMethod): void {
    const input = h('input', {
      type: 'text',
      name: 'name',
      maxlength: 100,
      autocomplete: 'off',
      required: true,
    });
    input.value = m.name ?? '';
    const modal = openModal(`Rename ${methodLabel(m.type).toLowerCase()}`, {
      body: [field('Name', input, 'A name that helps you recognise it, like “Work laptop”.')],
      submitLabel: 'Save',
      onSubmit: async () => {
        const name = input.value.trim();
        if (!name) {
          modal.setError('Enter a name.');
          throw new Error('empty name');
        }
        const ok = await app.run(
          { kind: 'rename', arg: m.id },
          'rename it',
          async () => {
            await app.client.myAccount.patch(mePath('authentication-methods', m.id), { name });
          },
          modal,
        );
        await load();
        if (ok) app.notices.show('Name saved.', 'success');
      },
    });
  }

  function remove(m: AuthenticationMethod): void {
    const label = methodLabel(m.type);
    const detail = methodDetail(m);
    const modal = openModal(`Remove ${label.toLowerCase()}?`, {
      body: [
        h(
          'p',
          {},
          `${detail ? `“${detail}” ` : 'It '}will no longer work to sign in or to confirm it's you. You can add it again later.`,
        ),
      ],
      submitLabel: 'Remove',
      danger: true,
      onSubmit: async () => {
        const ok = await app.run(
          { kind: 'delete', arg: m.id },
          `remove this ${label.toLowerCase()}`,
          async () => {
            await app.client.myAccount.delete(mePath('authentication-methods', m.id));
          },
          modal,
        );
        await load();
        if (ok) app.notices.show(`${label} removed.`, 'success');
      },
    });
  }

  /** After a step-up: offer the interrupted action again. */
  function retry(kind: 'enroll' | 'rename' | 'delete', arg: string): void {
    if (kind === 'enroll') return void flows.start(arg as EnrollKind);
    const m = methods.find((x) => x.id === arg);
    if (!m) return app.notices.show('That method no longer exists.', 'info');
    if (kind === 'rename') rename(m);
    else remove(m);
  }

  return { element: section, load, retry };
}
