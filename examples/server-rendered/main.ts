/**
 * `npm run start:example`: the server-rendered example on its own port (3001), behind the same origin as
 * the BFF: in development `npm start`'s front routes `/example/` here; in compose, the reverse proxy does.
 *   BFF_URL        where this server reaches the BFF (default http://127.0.0.1:3100, the BFF behind npm start's front)
 *   PUBLIC_ORIGIN  the origin browsers use (default http://localhost:3000)
 *   BASE_PATH      the path prefix routed here (default /example)
 *   PORT, HOST     where to listen (default 3001 on 127.0.0.1)
 */
import { createBffServerClient } from '../../web/server-client/index.js';
import { createExampleApp } from './app.js';

const env = process.env;
const bff = createBffServerClient({
  bffUrl: env.BFF_URL ?? 'http://127.0.0.1:3100',
  publicOrigin: env.PUBLIC_ORIGIN ?? 'http://localhost:3000',
});
const basePath = (env.BASE_PATH ?? '/example').replace(/\/+$/, '');
const log = (line: object) => process.stdout.write(`${JSON.stringify({ time: Date.now(), ...line })}\n`);
const app = createExampleApp({ bff, basePath, log });
const port = Number(env.PORT ?? 3001);
const server = app.listen(port, env.HOST ?? '127.0.0.1', () =>
  log({ msg: 'example listening', port, basePath }),
);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => server.close(() => void bff.close().then(() => process.exit(0))));
