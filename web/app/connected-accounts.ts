import { mePath } from '../client/index.js';
import type { AppContext } from './context.js';
import { button, fill, h, showLoadError, timeEl } from './dom.js';
import { relativeTime } from './format.js';
import { errorMessage } from './messages.js';
import { openModal } from './modal.js';

/** My Account OAS `ConnectedAccount` and the connections offered for linking (Token Vault). */
interface ConnectedAccount {
  id: string;
  connection: string;
  scopes?: string[];
  created_at: string;
  expires_at?: string;
}
interface Connection {
  name: string;
  strategy: string;
}

/** "Connected accounts": linked external accounts; connecting is a navigation through the BFF's `/auth/connect`. */
export function connectedAccountsSection(app: AppContext) {
  const list = h('ul', { class: 'list', 'aria-label': 'Your connected accounts' });
  const status = h('p', { class: 'muted' }, 'Loading connected accounts…');
  const offers = h('div', { class: 'add-row', role: 'group', 'aria-label': 'Connect an account' });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'accounts-title' },
    h('h2', { id: 'accounts-title' }, 'Connected accounts'),
    status,
    list,
    offers,
  );
  let accounts: ConnectedAccount[] = [];

  async function load(): Promise<void> {
    try {
      const [a, c] = await Promise.all([
        app.client.myAccount.get<{ accounts: ConnectedAccount[] }>('connected-accounts/accounts'),
        app.client.myAccount.get<{ connections: Connection[] }>('connected-accounts/connections'),
      ]);
      accounts = a.accounts ?? [];
      status.textContent = accounts.length ? '' : 'No connected accounts yet.';
      status.hidden = accounts.length > 0;
      fill(list, ...accounts.map(item));
      fill(
        offers,
        ...(c.connections ?? []).map((conn) => {
          const linked = accounts.some((x) => x.connection === conn.name);
          return button(
            linked ? `Connect another ${conn.name} account` : `Connect ${conn.name}`,
            () => connect(conn.name),
            'btn btn-small',
          );
        }),
      );
    } catch (err) {
      showLoadError(status, 'your connected accounts', errorMessage(err, 'load'), () => void load());
    }
  }

  function connect(connection: string): void {
    app.navigate(`/auth/connect?${new URLSearchParams({ connection, returnTo: '/' }).toString()}`);
  }

  function item(a: ConnectedAccount): HTMLLIElement {
    return h(
      'li',
      { class: 'item', 'data-account-id': a.id },
      h(
        'div',
        { class: 'item-main' },
        h('span', { class: 'item-title' }, a.connection),
        a.scopes?.length ? h('span', { class: 'item-detail' }, `Access: ${a.scopes.join(', ')}`) : null,
        h('span', { class: 'item-meta' }, 'Connected ', timeEl(a.created_at, relativeTime(a.created_at))),
      ),
      h(
        'div',
        { class: 'item-actions' },
        button('Disconnect', () => disconnect(a), 'btn btn-small btn-danger-quiet', {
          'aria-label': `Disconnect ${a.connection}`,
        }),
      ),
    );
  }

  function disconnect(a: ConnectedAccount): void {
    const modal = openModal(`Disconnect ${a.connection}?`, {
      body: [h('p', {}, 'This app will lose access to that account. You can connect it again later.')],
      submitLabel: 'Disconnect',
      danger: true,
      onSubmit: async () => {
        const ok = await app.run(
          { kind: 'disconnect', arg: a.id },
          `disconnect ${a.connection}`,
          async () => {
            await app.client.myAccount.delete(mePath('connected-accounts', 'accounts', a.id));
          },
          modal,
        );
        await load();
        if (ok) app.notices.show(`${a.connection} disconnected.`, 'success');
      },
    });
  }

  function retry(id: string): void {
    const a = accounts.find((x) => x.id === id);
    if (a) disconnect(a);
    else app.notices.show('That account is no longer connected.', 'info');
  }

  return { element: section, load, retry };
}
