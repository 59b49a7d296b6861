import { classifyRequest } from '../http/request-class.js';
import { routeClassOf } from './route-class.js';

describe('routeClassOf (of the request class)', () => {
  it.each([
    ['/api/me/v1/authentication-methods', 'my_account'],
    ['/API/me/v1/factors', 'my_account'],
    ['//api//me/v1/x', 'my_account'],
    ['/api/me/v1', 'my_account'],
    ['/api/me', 'my_account'],
    ['/api/login/password', 'api'],
    ['/api/session', 'api'],
    ['/api', 'api'],
    ['/apiary', 'web'],
    ['/auth/login', 'auth'],
    ['/Auth/callback', 'auth'],
    ['/authority', 'web'],
    ['/HEALTHZ', 'health'],
    ['/healthz', 'health'],
    ['/readyz', 'health'],
    ['/metrics', 'metrics'],
    ['/', 'web'],
    ['/assets/app.js', 'web'],
    ['/%2e%2e/api/session', 'web'],
  ])('%s → %s', (path, expected) => {
    expect(routeClassOf(classifyRequest('GET', path))).toBe(expected);
  });
});
