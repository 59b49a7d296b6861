import pino, { type Logger } from 'pino';

/** DI token of the root pino logger. */
export const ROOT_LOGGER = 'ROOT_LOGGER';

/**
 * docs/architecture.md#operations: never a token, secret, code or cookie in a log line. pino's redaction
 * covers the known places; the request serializer (http-logger.ts) also drops query values that carry codes
 * or tokens.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.dpop',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers.dpop',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.logout_token',
  '*.client_secret',
  '*.code_verifier',
  '*.accessToken',
  '*.refreshToken',
  '*.idToken',
  '*.clientSecret',
  '*.password',
  'access_token',
  'refresh_token',
  'id_token',
  'logout_token',
];

/**
 * The process's log stream: stdout through an asynchronous sonic-boom, so a log line costs the request
 * a string append, not a `write(2)`: lines are written together once 4 KiB are buffered, and at the latest
 * `flushMs` after they were logged (a quiet process still shows each line within a quarter second).
 * Whatever is still buffered is written synchronously on `exit` (pino registers that), so `process.exit`
 * after a fatal boot error or at the end of the shutdown grace period loses no line; a SIGKILL loses at
 * most the last `flushMs`.
 */
export function stdoutDestination(flushMs = 250): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  let open = true;
  destination.on('close', () => (open = false));
  setInterval(() => {
    if (open) destination.flush();
  }, flushMs).unref();
  return destination;
}

/**
 * Writes what `logger`'s asynchronous destination still buffers (`stdoutDestination`), synchronously;
 * nothing for a synchronous destination. For the moment before the process ends without an `exit` event.
 */
export function flushLogsSync(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[
    pino.symbols.streamSym
  ];
  try {
    stream?.flushSync?.();
  } catch {
    // Not a sonic-boom, or already closed: nothing is buffered.
  }
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'myaccount-bff' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
