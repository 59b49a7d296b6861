// A full garbage collection and process.memoryUsage() of a process started with --inspect, through the
// inspector protocol (Chrome DevTools Protocol over a WebSocket): memory figures taken right after a full
// GC say what the process keeps, not how far its heap happened to grow since the last collection.
import { WebSocket } from 'undici';

/* global fetch */

export async function openInspector(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error(`inspector on port ${port}: no connection`)), {
      once: true,
    });
  });
  let nextId = 1;
  const pending = new Map();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });

  return {
    /** process.memoryUsage() in MiB after a full GC. */
    async memoryAfterGc() {
      await call('HeapProfiler.collectGarbage');
      const { result } = await call('Runtime.evaluate', {
        expression: 'JSON.stringify(process.memoryUsage())',
        returnByValue: true,
      });
      const usage = JSON.parse(result.value);
      return Object.fromEntries(
        Object.entries(usage).map(([k, bytes]) => [k, Math.round(bytes / 104857.6) / 10]),
      );
    },
    close: () => ws.close(),
  };
}
