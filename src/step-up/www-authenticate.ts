/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface AuthChallenge {
  /** The auth-scheme, lower-cased (`bearer`, `dpop`): schemes are case-insensitive (RFC 9110 §11.1). */
  readonly scheme: string;
  /** Auth-params by lower-cased name, quoted-strings unescaped. */
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
  /** False when the challenge broke the grammar or repeated a parameter (RFC 9110 §11.2: "MUST NOT"). */
  readonly wellFormed: boolean;
}

/** Headers longer than this are not parsed at all (a challenge is a few hundred bytes). */
export const MAX_CHALLENGE_HEADER = 8192;

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/y;
const QUOTED = /"((?:[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*)"/y;
const OWS = /[ \t]*/y;
const SP = /[ \t]+/y;
const LIST_SEPARATORS = /[ \t,]*/y;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  take(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (found) this.pos = pattern.lastIndex;
    return found;
  }
}

interface Draft {
  scheme: string;
  params: Map<string, string>;
  token68?: string;
  wellFormed: boolean;
}

/** Reads `name=value` pairs; false when the header is broken beyond this challenge (parsing stops). */
function readParams(s: Scanner, draft: Draft): boolean {
  for (;;) {
    s.take(LIST_SEPARATORS);
    const start = s.pos;
    const name = s.take(TOKEN)?.[0];
    if (!name) return s.done;
    s.take(OWS);
    if (!s.take(/=/y)) {
      s.pos = start; // a token without "=": the next challenge's scheme
      return true;
    }
    s.take(OWS);
    const quoted = s.take(QUOTED);
    const value = quoted ? quoted[1].replace(/\\(.)/g, '$1') : s.take(TOKEN)?.[0];
    if (value === undefined) return false;
    const key = name.toLowerCase();
    if (draft.params.has(key)) draft.wellFormed = false;
    else draft.params.set(key, value);
    s.take(OWS);
    if (!s.done && s.text[s.pos] !== ',') return false;
  }
}

/**
 * Parses every challenge of a `WWW-Authenticate` value, e.g.
 * `DPoP error="use_dpop_nonce", algs="ES256", Bearer realm="x", error="insufficient_user_authentication"`.
 * Never throws: text that breaks the grammar ends parsing, and the challenge it broke is marked not
 * `wellFormed` so callers can refuse to act on it (RFC 9470 §3, SU-3/SU-4).
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text || text.length > MAX_CHALLENGE_HEADER) return [];
  const s = new Scanner(text);
  const drafts: Draft[] = [];
  for (;;) {
    s.take(LIST_SEPARATORS);
    const scheme = s.take(TOKEN)?.[0];
    if (!scheme) break;
    const draft: Draft = { scheme: scheme.toLowerCase(), params: new Map(), wellFormed: true };
    drafts.push(draft);
    if (!s.take(SP)) {
      if (s.done || s.text[s.pos] === ',') continue;
      draft.wellFormed = false;
      break;
    }
    const token68 = s.take(TOKEN68)?.[0];
    if (token68 !== undefined) draft.token68 = token68;
    else if (!readParams(s, draft)) {
      draft.wellFormed = false;
      break;
    }
  }
  return drafts.map(({ scheme, params, token68, wellFormed }) => ({
    scheme,
    params: Object.fromEntries(params),
    ...(token68 === undefined ? {} : { token68 }),
    wellFormed,
  }));
}
