import { loadConfig } from '../config/load-config.js';
import { InvalidLoginRequest, parseLoginQuery } from './login-params.js';

const config = loadConfig({ env: { NODE_ENV: 'test' } });
const parse = (query: Record<string, unknown>) => parseLoginQuery(query, config.oidc, config.stepUp);
const MFA = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

describe('parseLoginQuery', () => {
  it('uses the configured scopes and a safe returnTo by default', () => {
    const params = parse({});
    expect(params.returnTo).toBe('/');
    expect(params.scope.split(' ')).toEqual([...config.oidc.scopes]);
    expect(params).toMatchObject({ prompt: undefined, acrValues: undefined, maxAge: undefined });
  });

  it('passes vetted values through', () => {
    expect(
      parse({
        returnTo: '/account',
        prompt: 'login',
        login_hint: 'demo@example.com',
        screen_hint: 'signup',
        acr_values: MFA,
        max_age: '0',
        scope: 'read:me:consents openid',
      }),
    ).toEqual({
      returnTo: '/account',
      scope: [...config.oidc.scopes, 'read:me:consents'].join(' '),
      prompt: 'login',
      loginHint: 'demo@example.com',
      screenHint: 'signup',
      acrValues: MFA,
      maxAge: 0,
    });
  });

  it.each([
    [{ scope: 'admin:everything' }, /scope "admin:everything"/],
    [{ prompt: 'select_account' }, /prompt/],
    [{ prompt: ['login', 'consent'] }, /prompt must be given once/],
    [{ acr_values: 'urn:weak' }, /acr_values/],
    [{ max_age: '-1' }, /max_age/],
    [{ max_age: '5.5' }, /max_age/],
    [{ max_age: 'abc' }, /max_age/],
    [{ screen_hint: 'evil' }, /screen_hint/],
    [{ login_hint: 'a\nb' }, /login_hint/],
    [{ login_hint: 'x'.repeat(300) }, /login_hint/],
  ])('refuses %j', (query, message) => {
    expect(() => parse(query)).toThrow(InvalidLoginRequest);
    expect(() => parse(query)).toThrow(message);
  });

  it('sends a hostile returnTo to /', () => {
    expect(parse({ returnTo: '//evil.example' }).returnTo).toBe('/');
    expect(parse({ returnTo: ['/a', '/b'] }).returnTo).toBe('/');
  });
});
