/**
 * The action a step-up interrupted, carried through the login in the `returnTo` hash (`#retry=delete:<id>`), so
 * the page can offer it again when the user comes back. The hash never reaches a server.
 */
export type PendingKind = 'enroll' | 'rename' | 'delete' | 'revoke' | 'disconnect';

export interface PendingAction {
  kind: PendingKind;
  arg: string;
}

const KINDS: readonly PendingKind[] = ['enroll', 'rename', 'delete', 'revoke', 'disconnect'];

export function retryHash(action: PendingAction): string {
  return `#retry=${action.kind}:${encodeURIComponent(action.arg)}`;
}

export function parseRetryHash(hash: string): PendingAction | null {
  const match = /^#retry=([a-z]+):(.{1,512})$/.exec(hash);
  if (!match || !(KINDS as readonly string[]).includes(match[1])) return null;
  try {
    return { kind: match[1] as PendingKind, arg: decodeURIComponent(match[2]) };
  } catch {
    return null;
  }
}
