import type { SessionInfo } from '../../src/public-api.types.js';
import { BffProblem, type BffClient } from '../client/index.js';
import { withReturnTo } from '../client/navigation.js';
import { button, fill, h } from './dom.js';
import { errorMessage, type ErrorContext, stepUpCopy } from './messages.js';
import type { Modal } from './modal.js';
import { retryHash, type PendingAction } from './pending.js';

export interface Notices {
  /** The polite live region at the top of the page. */
  show(message: string, kind?: 'info' | 'success' | 'error'): void;
  /** The step-up banner: explains, then follows `login_url` back to this page with the action in the hash. */
  stepUp(action: PendingAction, problem: BffProblem, what: string): void;
}

export interface AppContext {
  client: BffClient;
  session: SessionInfo;
  notices: Notices;
  navigate(url: string): void;
  /**
   * Runs an action; a step-up problem shows the banner, any other error is shown in `modal` (kept open) or
   * as a notice. Resolves true on success.
   */
  run(
    action: PendingAction,
    what: string,
    fn: () => Promise<void>,
    modal?: Modal,
    ctx?: ErrorContext,
  ): Promise<boolean>;
}

export function createNotices(root: HTMLElement, navigate: (url: string) => void): Notices {
  const status = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
  const banner = h('section', { class: 'stepup', 'aria-labelledby': 'stepup-title', hidden: true });
  root.append(banner, status);
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    show(message, kind = 'info') {
      clearTimeout(timer);
      status.className = `notice notice-${kind}`;
      status.textContent = message;
      status.hidden = false;
      if (kind !== 'error') timer = setTimeout(() => (status.hidden = true), 6000);
    },
    stepUp(action, problem, what) {
      const copy = stepUpCopy(problem, what);
      const here = `${location.pathname}${location.search}${retryHash(action)}`;
      const target = problem.login_url && withReturnTo(problem.login_url, here);
      const confirm = button(copy.button, () => target && navigate(target), 'btn btn-primary');
      fill(
        banner,
        h('h2', { id: 'stepup-title' }, copy.title),
        h('p', {}, copy.body),
        h(
          'div',
          { class: 'row' },
          confirm,
          button('Not now', () => (banner.hidden = true)),
        ),
      );
      confirm.disabled = !target;
      banner.hidden = false;
      banner.scrollIntoView?.({ block: 'nearest' });
      confirm.focus();
    },
  };
}

export function buildRun(notices: Notices): AppContext['run'] {
  return async (action, what, fn, modal, ctx) => {
    try {
      await fn();
      return true;
    } catch (err) {
      if (err instanceof BffProblem && err.needsLogin) {
        modal?.close();
        notices.stepUp(action, err, what);
      } else if (modal) {
        modal.setError(errorMessage(err, ctx));
        throw err;
      } else {
        notices.show(errorMessage(err, ctx), 'error');
      }
      return false;
    }
  };
}
