import { createBffClient, type SessionInfo } from '../client/index.js';
import { connectedAccountsSection } from './connected-accounts.js';
import { buildRun, createNotices, type AppContext } from './context.js';
import { button, fill, h } from './dom.js';
import { errorMessage } from './messages.js';
import { methodsSection } from './methods.js';
import { parseRetryHash } from './pending.js';
import { profileCard } from './profile.js';
import { sessionsSection } from './sessions.js';
import { signedOutView } from './signed-out.js';

const client = createBffClient();
const root = document.getElementById('app') as HTMLElement;
const topbar = document.getElementById('topbar-actions') as HTMLElement;
const navigate = (url: string) => location.assign(url);

async function boot(): Promise<void> {
  root.setAttribute('aria-busy', 'true');
  fill(root, h('p', { class: 'loading' }, 'Loading your account…'));
  fill(topbar);
  try {
    const session = await client.session();
    if (session) await signedIn(session);
    else
      fill(
        root,
        signedOutView(client, () => void boot()),
      );
  } catch (err) {
    fill(
      root,
      h(
        'section',
        { class: 'card', role: 'alert' },
        h('h1', {}, "We couldn't load your account"),
        h('p', {}, errorMessage(err)),
        button('Try again', () => void boot(), 'btn btn-primary'),
      ),
    );
  } finally {
    root.removeAttribute('aria-busy');
  }
}

async function signedIn(session: SessionInfo): Promise<void> {
  const noticeArea = h('div', { class: 'notices' });
  const notices = createNotices(noticeArea, navigate);
  const app: AppContext = { client, session, notices, navigate, run: buildRun(notices) };
  const methods = methodsSection(app);
  const accounts = connectedAccountsSection(app);
  const sessions = sessionsSection(app);
  const signOut = button(
    'Sign out',
    () => {
      signOut.disabled = true;
      client.logout().catch((err: unknown) => {
        signOut.disabled = false;
        notices.show(errorMessage(err), 'error');
      });
    },
    'btn btn-small',
  );
  fill(topbar, signOut);
  fill(root, noticeArea, profileCard(session), methods.element, accounts.element, sessions.element);
  await Promise.all([methods.load(), accounts.load(), sessions.load()]);
  resumePending(app, { methods, accounts, sessions });
}

/** Back from a step-up login: offer the action it interrupted (RFC 9470 flow, `#retry=` in returnTo). */
function resumePending(
  app: AppContext,
  parts: {
    methods: ReturnType<typeof methodsSection>;
    accounts: ReturnType<typeof connectedAccountsSection>;
    sessions: ReturnType<typeof sessionsSection>;
  },
): void {
  const pending = parseRetryHash(location.hash);
  if (!pending) return;
  history.replaceState(null, '', location.pathname + location.search);
  app.notices.show("Thanks, you're verified. You can continue now.", 'success');
  if (pending.kind === 'revoke') parts.sessions.retry(pending.arg);
  else if (pending.kind === 'disconnect') parts.accounts.retry(pending.arg);
  else parts.methods.retry(pending.kind, pending.arg);
}

void boot();
