// The usual Express alternative: express-openid-connect (authorization code flow, tokens in its session,
// the session in Redis through connect-redis 8 + ioredis, its defaults otherwise: rolling sessions) and
// http-proxy-middleware forwarding /api/me/v1/* to the My Account API with the session's access token,
// as its documentation and common samples show.
import express from 'express';
import eocPackage from 'express-openid-connect';
import { RedisStore } from 'connect-redis';
import { Redis } from 'ioredis';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { Agent } from 'node:http';
import { announce } from './parent-watch.mjs';

const { auth, requiresAuth } = eocPackage;
const port = Number(process.env.PORT);
const issuer = process.env.ISSUER;
const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 });
const app = express();

app.use(
  auth({
    issuerBaseURL: issuer,
    baseURL: `http://localhost:${port}`,
    clientID: 'myaccount-bff',
    clientSecret: 'dev-bff-secret',
    clientAuthMethod: 'client_secret_basic',
    secret: 'bench-eoc-session-secret-0123456789abcdef',
    authRequired: false,
    idpLogout: false,
    authorizationParams: {
      response_type: 'code',
      audience: `${issuer}me/`,
      scope: 'openid profile email offline_access read:me:authentication_methods',
    },
    session: { store: new RedisStore({ client: redis, prefix: 'eoc:' }) },
  }),
);

const proxy = createProxyMiddleware({
  target: process.env.UPSTREAM_URL,
  changeOrigin: true,
  agent: new Agent({ keepAlive: true, maxSockets: 64 }),
  on: {
    proxyReq: (proxyReq, req) => {
      proxyReq.removeHeader('cookie');
      proxyReq.setHeader('authorization', `Bearer ${req.myAccountToken}`);
    },
  },
});

app.use(
  '/api/me/v1',
  requiresAuth(),
  async (req, res, next) => {
    try {
      let token = req.oidc.accessToken;
      if (token.isExpired()) token = await token.refresh();
      req.myAccountToken = token.access_token;
      next();
    } catch (err) {
      next(err);
    }
  },
  proxy,
);

app.listen(port, '127.0.0.1', () => announce({ port }));
