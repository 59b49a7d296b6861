// `npm run soak`: mixed reads and writes over three BFF processes behind one origin, on a Sentinel
// group whose master is killed (kill -9) half-way; prints the 5xx count, sessions lost and each
// process's RSS at start and end. SOAK_SECONDS sets the duration (default 600).
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { sidOfCookie, timedGet } from '../support/fault-probe.js';
import { startProcessStack } from '../support/process-stack.js';
import { startTopology } from '../support/topology/topologies.js';

const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 6);
const mb = (n: number | undefined) => (n === undefined ? 'gone' : `${(n / 2 ** 20).toFixed(1)} MiB`);

interface Held {
  client: CookieClient;
  cookie: string;
  sid: string;
}

async function main() {
  const topology = await startTopology('sentinel');
  const stack = await startProcessStack({
    processes: 3,
    redis: { ...topology.redis, commandTimeoutMs: 500 },
  });
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const signIn = async (): Promise<Held> => {
    const client = new CookieClient();
    const done = await loginThroughBff(client, stack.url);
    count(done.status);
    if (done.status !== 302) throw new Error(`login answered ${done.status}`);
    const [name, value] = Object.entries(client.cookies(`${stack.url}/api/session`)).find(([n]) =>
      n.endsWith('bff'),
    ) ?? ['', ''];
    return { client, cookie: `${name}=${value}`, sid: sidOfCookie(value) };
  };
  try {
    const held: Held[] = [];
    for (let i = 0; i < 20; i++) held.push(await signIn());
    const rssStart = stack.processes.map((p) => p.rss());
    console.log(
      `soak: ${seconds} s, ${concurrency} loops, 3 processes, Sentinel; RSS at start: ${rssStart.map(mb).join(', ')}`,
    );
    const started = Date.now();
    const end = started + seconds * 1000;
    let failoverDone = false;
    let loginFailures = 0;
    let n = 0;
    const loops = Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const i = n++;
        if (i % 50 === 7) {
          // Writes: a new session (session + tokens, WAITed), and the logout of an older soak session.
          try {
            held.push(await signIn());
          } catch {
            loginFailures++;
          }
          if (held.length > 60) {
            const old = held.splice(20, 1)[0];
            const out = await old.client.post(`${stack.url}/auth/logout`, { headers: { 'x-csrf': '1' } });
            count(out.status);
          }
          continue;
        }
        const s = held[i % held.length];
        const p = stack.processes[i % stack.processes.length];
        count((await timedGet(`${p.url}/api/session`, s.cookie)).status);
      }
    });
    const failover = (async () => {
      await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
      const { killedAt, promotedAt } = await topology.crash('');
      console.log(
        `soak: master killed at +${((killedAt - started) / 1000).toFixed(1)} s, promoted after ${promotedAt - killedAt} ms`,
      );
      await topology.heal();
      failoverDone = true;
    })();
    await Promise.all([...loops, failover]);
    const rssEnd = stack.processes.map((p) => p.rss());
    let lost = 0;
    for (const s of held) {
      for (const p of stack.processes) {
        const r = await timedGet(`${p.url}/api/session`, s.cookie);
        if (r.status !== 200) {
          lost++;
          break;
        }
      }
    }
    const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0);
    console.log(
      JSON.stringify(
        {
          seconds,
          answers: [...statuses.values()].reduce((a, b) => a + b, 0),
          byStatus: Object.fromEntries(statuses),
          fiveXX: fivexx,
          loginFailures,
          failoverDone,
          sessionsChecked: held.length,
          sessionsLost: lost,
          balancer: stack.balancer.stats,
          rssStart: rssStart.map(mb),
          rssEnd: rssEnd.map(mb),
        },
        null,
        1,
      ),
    );
    process.exitCode = lost > 0 ? 1 : 0;
  } finally {
    await stack.close();
    await topology.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
