/**
 * `count` loops of signed-in requests through `origin`, each going round `paths`, until `stop()`: then the
 * answers counted by "<path> <status>". For shutdown tests: every answer during a process's exit must be 200.
 */
export function startReadLoops(origin: string, cookie: string, paths: readonly string[], count: number) {
  const statuses = new Map<string, number>();
  let running = true;
  const loop = async (offset: number) => {
    for (let i = offset; running; i++) {
      const path = paths[i % paths.length];
      const res = await fetch(`${origin}${path}`, { headers: { cookie, 'x-csrf': '1' } });
      await res.arrayBuffer();
      const key = `${path} ${res.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
  };
  const loops = Array.from({ length: count }, (_, i) => loop(i));
  return {
    async stop(): Promise<Map<string, number>> {
      running = false;
      await Promise.all(loops);
      return statuses;
    },
  };
}
