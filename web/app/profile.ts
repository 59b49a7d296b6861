import type { SessionInfo } from '../../src/public-api.types.js';
import { h } from './dom.js';
import { describeMfa } from './format.js';

/** Only pictures over https (or from this origin) are shown; anything else falls back to initials. */
function isShowablePicture(url: string | undefined): url is string {
  return !!url && (/^https:\/\//i.test(url) || /^\/(?![/\\])/.test(url));
}

function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s@._-]+/)
    .filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** The user, and whether a change needs a fresh MFA now ("Verified 2 minutes ago"), refreshed every 30 s. */
export function profileCard(session: SessionInfo): HTMLElement {
  const { user } = session;
  const display = user.name || user.email || 'Signed in';
  const avatar = isShowablePicture(user.picture)
    ? h('img', {
        class: 'avatar',
        src: user.picture,
        alt: '',
        width: 56,
        height: 56,
        referrerpolicy: 'no-referrer',
      })
    : h('span', { class: 'avatar avatar-initials', 'aria-hidden': 'true' }, initials(display));
  const mfa = h('p', { class: 'mfa', id: 'mfa-status' });
  const update = () => {
    const state = describeMfa(session.mfa);
    mfa.className = state.fresh ? 'mfa mfa-fresh' : 'mfa mfa-stale';
    mfa.textContent = state.text;
  };
  update();
  const timer = setInterval(() => (mfa.isConnected ? update() : clearInterval(timer)), 30_000);
  return h(
    'section',
    { class: 'card profile', 'aria-label': 'Your profile' },
    avatar,
    h(
      'div',
      { class: 'profile-text' },
      h('h1', { class: 'profile-name' }, display),
      user.email && user.email !== display ? h('p', { class: 'profile-email' }, user.email) : null,
      mfa,
    ),
  );
}
