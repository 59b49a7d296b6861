import type { Request, Response } from 'express';
import {
  classifyRequest,
  classifyRequests,
  isApiClass,
  isSessionClass,
  requestClassOf,
  type RequestClass,
} from './request-class.js';

describe('classifyRequest', () => {
  it.each<[string, string, RequestClass]>([
    // Browser navigations: GET only; the rest of /auth/* answers JSON.
    ['GET', '/auth/login', 'navigation'],
    ['GET', '/auth/callback', 'navigation'],
    ['GET', '/auth/connect', 'navigation'],
    ['GET', '/auth/connect/callback', 'navigation'],
    ['HEAD', '/auth/login', 'auth'],
    ['POST', '/auth/login', 'auth'],
    ['POST', '/auth/logout', 'auth'],
    ['GET', '/auth/logout', 'auth'],
    ['POST', '/auth/backchannel-logout', 'auth'],
    ['GET', '/auth/loginx', 'auth'],
    ['GET', '/auth', 'auth'],
    ['GET', '/authority', 'asset'],
    // The JSON API, embedded login and the proxy's namespace.
    ['GET', '/api/session', 'api'],
    ['DELETE', '/api/sessions/abc', 'api'],
    ['GET', '/api', 'api'],
    ['GET', '/apiary', 'asset'],
    ['POST', '/api/login/password', 'login'],
    ['POST', '/api/login', 'login'],
    ['POST', '/api/loginx', 'api'],
    ['GET', '/api/me/v1/factors', 'proxy'],
    ['GET', '/api/me/v1', 'proxy'],
    ['GET', '/api/me', 'proxy'],
    ['GET', '/api/me/v2/x', 'proxy'],
    ['GET', '/api/meow', 'api'],
    // Probes, metrics, the page.
    ['GET', '/healthz', 'health'],
    ['GET', '/readyz', 'health'],
    ['GET', '/healthz/x', 'asset'],
    ['GET', '/metrics', 'metrics'],
    ['GET', '/', 'asset'],
    ['GET', '/assets/app.js', 'asset'],
    // Encoded separators and dots never change the class (nothing is decoded).
    ['GET', '/%2e%2e/api/session', 'asset'],
    ['GET', '/api%2fme/v1/factors', 'asset'],
    ['GET', '/api/me%2fv1', 'api'],
  ])('%s %s → %s', (method, path, expected) => {
    expect(classifyRequest(method, path)).toBe(expected);
  });

  it.each<[string, string, RequestClass]>([
    ['GET', '/API/Me/V1/factors', 'proxy'],
    ['GET', '//api//me/v1/x', 'proxy'],
    ['POST', '/Api/Login/Password', 'login'],
    ['GET', '/AUTH/LOGIN', 'navigation'],
    ['GET', '//auth//callback', 'navigation'],
    ['POST', '/Auth/Logout', 'auth'],
    ['GET', '/HEALTHZ', 'health'],
    ['GET', '//metrics', 'metrics'],
  ])('judges paths as Express routes them (any case, repeated slashes): %s %s → %s', (method, path, c) => {
    expect(classifyRequest(method, path)).toBe(c);
  });

  it('puts /api/* in the API classes and /auth/*, /api/* in the session classes', () => {
    const all: RequestClass[] = ['navigation', 'auth', 'api', 'login', 'proxy', 'health', 'metrics', 'asset'];
    expect(all.filter(isApiClass)).toEqual(['api', 'login', 'proxy']);
    expect(all.filter(isSessionClass)).toEqual(['navigation', 'auth', 'api', 'login', 'proxy']);
  });

  it('reads the class stashed on the request, else classifies it', () => {
    expect(requestClassOf({ method: 'GET', path: '/api/session', requestClass: 'proxy' })).toBe('proxy');
    expect(requestClassOf({ method: 'GET', path: '/api/session' })).toBe('api');
  });

  it('classifyRequests() stashes the class once, before the next middleware', () => {
    const req = { method: 'POST', path: '/API/login/password' } as Request;
    let seen: RequestClass | undefined;
    classifyRequests()(req, {} as Response, () => (seen = req.requestClass));
    expect(seen).toBe('login');
  });
});
