import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import type { OidcFetch } from '../../src/oidc/oidc-fetch.js';

/**
 * Security requirement "never return or log a token" (docs/architecture.md#operations), checked on every test
 * that runs the BFF: every token the identity provider hands the BFF is recorded at the network seam,
 * everything the BFF sends to clients (headers, bodies) and every log line is captured, and `check()` fails
 * when one holds a token. Requests are not checked: a bearer caller legitimately sends its own token.
 */
export interface LeakCheckOptions {
  /** Response paths (exact pathname, or a pattern) that deliberately echo a token (test-only controllers). */
  ignorePaths?: (string | RegExp)[];
}

/** A truncated copy is a leak too: the first 40 characters are searched as well. */
const PREFIX_LENGTH = 40;
/** Shorter strings (fake tokens such as "at-1" in tampering tests) would match unrelated text. */
const MIN_TOKEN_LENGTH = 12;
/** Bytes kept per response body (bounded memory; tokens would sit in the first part of any answer). */
export const MAX_BODY_BYTES = 256 * 1024;
const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'] as const;

interface CapturedResponse {
  where: string;
  headers: string[];
  chunks: Buffer[];
  bytes: number;
}

export class LeakRecorder {
  private readonly tokens = new Set<string>();
  private readonly responses: CapturedResponse[] = [];
  private readonly logLines: string[] = [];

  constructor(private readonly options: LeakCheckOptions = {}) {}

  /** Remembers a token the BFF holds (and its prefix). */
  recordToken(token: unknown): void {
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) return;
    this.tokens.add(token);
  }

  /** Records the token fields of an identity-provider JSON answer. */
  recordTokenResponse(json: unknown): void {
    if (!json || typeof json !== 'object') return;
    for (const field of TOKEN_FIELDS) this.recordToken((json as Record<string, unknown>)[field]);
  }

  recordLogLine(line: string): void {
    if (line.trim()) this.logLines.push(line);
  }

  /** Starts capturing one response; returns `undefined` for an ignored path. */
  startResponse(method: string, url: string): CapturedResponse | undefined {
    const path = url.split('?')[0] ?? url;
    const ignored = (this.options.ignorePaths ?? []).some((p) =>
      typeof p === 'string' ? p === path : p.test(path),
    );
    if (ignored) return undefined;
    const response: CapturedResponse = { where: `${method} ${path}`, headers: [], chunks: [], bytes: 0 };
    this.responses.push(response);
    return response;
  }

  recordHeader(response: CapturedResponse, name: string, value: unknown): void {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) if (v !== undefined && v !== null) response.headers.push(`${name}: ${String(v)}`);
  }

  recordBody(response: CapturedResponse, chunk: unknown, encoding?: BufferEncoding): void {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const room = MAX_BODY_BYTES - response.bytes;
    if (room <= 0) return;
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk, encoding && Buffer.isEncoding(encoding) ? encoding : 'utf8')
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : undefined;
    if (!buffer) return;
    const kept = buffer.subarray(0, room);
    response.chunks.push(Buffer.from(kept));
    response.bytes += kept.length;
  }

  /** Every place a recorded token (or its first 40 characters) shows up; never the token itself. */
  findLeaks(): string[] {
    const needles = [...this.tokens].flatMap((t, i) => {
      const kind = `token #${i + 1} (${t.length} chars)`;
      return t.length > PREFIX_LENGTH ? [{ kind, text: t.slice(0, PREFIX_LENGTH) }] : [{ kind, text: t }];
    });
    if (needles.length === 0) return [];
    const leaks = new Set<string>();
    const search = (haystack: string, where: string) => {
      for (const needle of needles)
        if (haystack.includes(needle.text)) leaks.add(`${where} holds ${needle.kind}`);
    };
    for (const response of this.responses) {
      for (const header of response.headers)
        search(header, `response ${response.where} header ${header.split(':')[0]}`);
      search(Buffer.concat(response.chunks).toString('utf8'), `response ${response.where} body`);
    }
    for (const line of this.logLines) search(line, `log line ${describeLogLine(line)}`);
    return [...leaks];
  }

  /** How much was seen: a check over nothing proves nothing. */
  get counts(): { tokens: number; responses: number; logLines: number } {
    return { tokens: this.tokens.size, responses: this.responses.length, logLines: this.logLines.length };
  }

  /** Throws naming every leak (`METHOD path` + header/body, or the log line's msg). */
  check(): void {
    const leaks = this.findLeaks();
    if (leaks.length > 0)
      throw new Error(`Token leak: a token the BFF received was sent or logged:\n- ${leaks.join('\n- ')}`);
  }
}

function describeLogLine(line: string): string {
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const msg = typeof parsed.msg === 'string' ? parsed.msg : '(no msg)';
    const event = typeof parsed.event === 'string' ? ` event=${parsed.event}` : '';
    return `"${msg.slice(0, 120)}"${event}`;
  } catch {
    return '(not JSON)';
  }
}

/** The BFF's fetch towards the identity provider, recording every token in a JSON answer. */
export function recordingFetch(recorder: LeakRecorder, inner: OidcFetch = globalThis.fetch): OidcFetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.body) {
      // A clone: the BFF reads the original body untouched. Any JSON answer counts, whatever its content type.
      const text = await response
        .clone()
        .text()
        .catch(() => '');
      if (text.trimStart().startsWith('{')) recorder.recordTokenResponse(parseJson(text));
    }
    return response;
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Captures every response of the server: a `request` listener placed before Express's, so framework answers
 * (404, 413, body-parser errors) are captured too.
 */
export function captureResponses(recorder: LeakRecorder, server: Server): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const captured = recorder.startResponse(req.method ?? '?', req.url ?? '/');
    if (captured) wrapResponse(recorder, captured, res);
  });
}

type Captured = NonNullable<ReturnType<LeakRecorder['startResponse']>>;

function wrapResponse(recorder: LeakRecorder, captured: Captured, res: ServerResponse): void {
  // Each original is called back with .call(this, ...): unbinding them here is intended.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { setHeader, writeHead, write, end } = res;
  res.setHeader = function (name: string, value: number | string | readonly string[]) {
    recorder.recordHeader(captured, name, value);
    return setHeader.call(this, name, value);
  };
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    for (const arg of args.slice(1)) recordHeaderArg(recorder, captured, arg);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  };
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    recorder.recordBody(
      captured,
      chunk,
      typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined,
    );
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    recorder.recordBody(
      captured,
      chunk,
      typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined,
    );
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
}

/** `writeHead(status, [reason], [headers])`: headers as an object or a flat [name, value, ...] array. */
function recordHeaderArg(recorder: LeakRecorder, captured: Captured, arg: unknown): void {
  if (Array.isArray(arg)) {
    for (let i = 0; i + 1 < arg.length; i += 2) recorder.recordHeader(captured, String(arg[i]), arg[i + 1]);
  } else if (arg && typeof arg === 'object') {
    for (const [name, value] of Object.entries(arg as OutgoingHttpHeaders))
      recorder.recordHeader(captured, name, value);
  }
}

/**
 * A child of `logger` (same format, redaction and bindings) that logs at least at `info` and records every
 * line; only lines at the caller's own level or above reach the caller's destination.
 */
export function recordingLogger(recorder: LeakRecorder, logger: Logger): Logger {
  const original = (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym];
  const wanted = logger.levelVal;
  const values = logger.levels.values;
  const child = logger.child({});
  if (child.levelVal > values.info) child.level = 'info';
  const tee: pino.DestinationStream = {
    write(line: string) {
      recorder.recordLogLine(line);
      if (original && lineLevel(line, values) >= wanted) original.write(line);
    },
  };
  (child as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym] = tee;
  return child;
}

function lineLevel(line: string, values: Record<string, number>): number {
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    if (typeof level === 'number') return level;
    if (typeof level === 'string') return values[level] ?? Number.POSITIVE_INFINITY;
  } catch {
    // Not JSON: forward it.
  }
  return Number.POSITIVE_INFINITY;
}
