import type { Metrics, StoreErrorReason } from '../metrics/metrics.service.js';
import { secondsSince } from '../metrics/metrics.service.js';
import type { RedisClient } from './redis.factory.js';

/** The part of an ioredis `Command` this file reads. */
interface SentCommand {
  readonly name: string;
  readonly inTransaction: boolean;
  readonly promise: Promise<unknown>;
}
type SendCommand = (command: SentCommand, ...rest: unknown[]) => unknown;

/**
 * Reports the duration and failure of every command the BFF sends to Redis: one seam for all store
 * traffic (sessions, tokens, locks, login transactions, rate limits), whatever code issued it. ioredis has
 * no per-command hook except its diagnostics channel, whose per-command context (arguments copied and
 * sanitised) costs more than the command's own bookkeeping, so the client's `sendCommand` is wrapped.
 * The commands queued inside MULTI are not reported one by one: the transaction counts once, as `exec`.
 */
export function observeStoreCommands(client: RedisClient, metrics: Pick<Metrics, 'storeCommand'>): void {
  const target = client as unknown as { sendCommand: SendCommand };
  const send = target.sendCommand.bind<SendCommand>(client);
  target.sendCommand = (command, ...rest) => {
    if (command.inTransaction || command.name === 'multi') return send(command, ...rest);
    const started = performance.now();
    command.promise.then(
      () => metrics.storeCommand(command.name, secondsSince(started)),
      (error: unknown) => metrics.storeCommand(command.name, secondsSince(started), storeErrorReason(error)),
    );
    return send(command, ...rest);
  };
}

/**
 * `timeout`: no answer within `redis.commandTimeoutMs`; `reply`: Redis answered with an error; anything
 * else (connection closed, not writable, retries exhausted) is `unavailable`. NOSCRIPT is not a failure:
 * ioredis resends the script with EVAL.
 */
export function storeErrorReason(error: unknown): StoreErrorReason | undefined {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  if (message === 'Command timed out') return 'timeout';
  if (name === 'ReplyError') return message?.startsWith('NOSCRIPT') ? undefined : 'reply';
  return 'unavailable';
}
