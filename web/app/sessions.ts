import type { ActiveSession } from '../../src/public-api.types.js';
import type { AppContext } from './context.js';
import { button, fill, h, showLoadError, timeEl } from './dom.js';
import { describeUserAgent, relativeTime } from './format.js';
import { errorMessage } from './messages.js';
import { openModal } from './modal.js';

/** The pending-action argument that stands for "every other session". */
const OTHERS = 'others';

/** "Where you're signed in": `GET /api/sessions`, this device marked, the others can be signed out. */
export function sessionsSection(app: AppContext) {
  const list = h('ul', { class: 'list', 'aria-label': 'Your active sessions' });
  const status = h('p', { class: 'muted' }, 'Loading your sessions…');
  const everywhere = button('Sign out everywhere else', () => revokeOthers(), 'btn btn-small');
  everywhere.hidden = true;
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'sessions-title' },
    h('h2', { id: 'sessions-title' }, "Where you're signed in"),
    status,
    list,
    everywhere,
  );
  let sessions: ActiveSession[] = [];

  async function load(): Promise<void> {
    try {
      sessions = await app.client.sessions.list();
      sessions.sort(
        (a, b) => Number(b.current) - Number(a.current) || b.last_seen_at.localeCompare(a.last_seen_at),
      );
      status.hidden = sessions.length > 0;
      status.textContent = sessions.length ? '' : 'No active sessions.';
      fill(list, ...sessions.map(item));
      everywhere.hidden = !sessions.some((x) => !x.current);
    } catch (err) {
      showLoadError(status, 'your sessions', errorMessage(err, 'load'), () => void load());
    }
  }

  function item(s: ActiveSession): HTMLLIElement {
    const device = describeUserAgent(s.user_agent);
    return h(
      'li',
      { class: s.current ? 'item current' : 'item', 'data-session-id': s.id },
      h(
        'div',
        { class: 'item-main' },
        h(
          'span',
          { class: 'item-title' },
          device,
          s.current ? h('span', { class: 'badge' }, 'This device') : null,
        ),
        h(
          'span',
          { class: 'item-meta' },
          'Signed in ',
          timeEl(s.created_at, relativeTime(s.created_at)),
          ' · active ',
          timeEl(s.last_seen_at, relativeTime(s.last_seen_at)),
        ),
      ),
      s.current
        ? null
        : h(
            'div',
            { class: 'item-actions' },
            button('Sign out', () => revoke(s), 'btn btn-small btn-danger-quiet', {
              'aria-label': `Sign out ${device}`,
            }),
          ),
    );
  }

  function revoke(s: ActiveSession): void {
    const device = describeUserAgent(s.user_agent);
    const modal = openModal('Sign out that session?', {
      body: [h('p', {}, `${device} will be signed out and will need to sign in again.`)],
      submitLabel: 'Sign out',
      danger: true,
      onSubmit: async () => {
        const ok = await app.run(
          { kind: 'revoke', arg: s.id },
          'sign out another session',
          async () => {
            await app.client.sessions.revoke(s.id);
          },
          modal,
        );
        await load();
        if (ok) app.notices.show(`${device} signed out.`, 'success');
      },
    });
  }

  function revokeOthers(): void {
    const modal = openModal('Sign out everywhere else?', {
      body: [h('p', {}, 'Every other browser and device will be signed out and will need to sign in again.')],
      submitLabel: 'Sign out the others',
      danger: true,
      onSubmit: async () => {
        const ok = await app.run(
          { kind: 'revoke', arg: OTHERS },
          'sign out your other sessions',
          async () => {
            await app.client.sessions.revokeOthers();
          },
          modal,
        );
        await load();
        if (ok) app.notices.show('Your other sessions are signed out.', 'success');
      },
    });
  }

  function retry(id: string): void {
    if (id === OTHERS) return revokeOthers();
    const s = sessions.find((x) => x.id === id);
    if (s && !s.current) revoke(s);
    else app.notices.show('That session has already ended.', 'info');
  }

  return { element: section, load, retry };
}
