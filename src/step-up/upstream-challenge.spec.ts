import { DEFAULT_STEP_UP_POLICY, MFA_ACR, type StepUpPolicy } from './step-up-policy.js';
import { parseMaxAge, translateUpstreamChallenge } from './upstream-challenge.js';

const IUA = 'error="insufficient_user_authentication"';
const policy: StepUpPolicy = { ...DEFAULT_STEP_UP_POLICY, allowedAcrValues: [MFA_ACR, 'urn:gold'] };
const translate = (wwwAuthenticate: string | undefined, status = 401) =>
  translateUpstreamChallenge({ status, wwwAuthenticate }, policy);

describe('translateUpstreamChallenge', () => {
  it.each<[string, string, object]>([
    [
      'F3: Bearer with acr_values and max_age',
      `Bearer ${IUA}, acr_values="${MFA_ACR}", max_age=300`,
      { acr_values: MFA_ACR, max_age: 300 },
    ],
    [
      'SU-1: the DPoP scheme',
      `DPoP ${IUA}, acr_values="urn:gold", max_age=60`,
      { acr_values: 'urn:gold', max_age: 60 },
    ],
    ['SU-3: quoted max_age', `Bearer ${IUA}, max_age="5"`, { max_age: 5 }],
    ['max_age 0', `Bearer ${IUA}, max_age=0`, { max_age: 0 }],
    [
      'SU-2: acr order kept',
      `Bearer ${IUA}, acr_values="urn:gold ${MFA_ACR}"`,
      { acr_values: `urn:gold ${MFA_ACR}` },
    ],
    [
      'SU-11: unknown acr dropped, known kept',
      `Bearer ${IUA}, acr_values="urn:evil urn:gold"`,
      { acr_values: 'urn:gold' },
    ],
    [
      'SU-4: scope and unknown params ignored',
      `Bearer realm="me", ${IUA}, scope="read:me:factors", foo=bar, max_age=10`,
      { max_age: 10 },
    ],
    ['no parameters: the policy default', `Bearer ${IUA}`, { acr_values: MFA_ACR, max_age: 300 }],
    [
      'the step-up challenge after another one',
      `DPoP algs="ES256", Bearer ${IUA}, max_age=30`,
      { max_age: 30 },
    ],
    [
      'upper-case scheme and names',
      `BEARER ERROR="insufficient_user_authentication", MAX_AGE=7`,
      { max_age: 7 },
    ],
  ])('%s', (_name, header, challenge) => {
    expect(translate(header)).toEqual({ kind: 'step_up', challenge });
  });

  it.each([
    ['max_age=-1', `Bearer ${IUA}, max_age=-1`],
    ['max_age=-5', `Bearer ${IUA}, max_age="-5"`],
    ['max_age=5.5', `Bearer ${IUA}, max_age=5.5`],
    ['max_age=abc', `Bearer ${IUA}, max_age="abc"`],
    ['max_age empty', `Bearer ${IUA}, max_age=""`],
    ['max_age=1e3', `Bearer ${IUA}, max_age=1e3`],
    ['max_age overflow', `Bearer ${IUA}, max_age=99999999999`],
    ['F4: only unknown acr values', `Bearer ${IUA}, acr_values="urn:evil"`],
    ['empty acr_values', `Bearer ${IUA}, acr_values="  "`],
    ['a repeated parameter', `Bearer ${IUA}, max_age=300, max_age=0`],
    ['a broken quote', `Bearer ${IUA}, acr_values="${MFA_ACR}`],
  ])('refuses to act on %s', (_name, header) => {
    expect(translate(header)).toMatchObject({ kind: 'invalid' });
  });

  it.each([
    ['another error', 'Bearer error="invalid_token"', 401],
    ['a nonce challenge', 'DPoP error="use_dpop_nonce"', 401],
    ['no header', undefined, 401],
    ['another scheme', `Basic ${IUA}`, 401],
    ['a 403', `Bearer ${IUA}, max_age=5`, 403],
    ['a 200', `Bearer ${IUA}, max_age=5`, 200],
    ['the error only in a description', 'Bearer error_description="insufficient_user_authentication"', 401],
  ])('is no step-up for %s', (_name, header, status) => {
    expect(translate(header, status)).toEqual({ kind: 'none' });
  });

  it('only honours acr values the default policy allows', () => {
    expect(
      translateUpstreamChallenge({ status: 401, wwwAuthenticate: `Bearer ${IUA}, acr_values="urn:gold"` }),
    ).toMatchObject({
      kind: 'invalid',
    });
  });

  it.each([
    ['0', 0],
    ['300', 300],
    ['2147483647', 2147483647],
    ['2147483648', undefined],
    ['-1', undefined],
    ['+5', undefined],
    [' 5', undefined],
    ['0x10', undefined],
    ['', undefined],
  ])('parseMaxAge(%j) = %j', (value, expected) => {
    expect(parseMaxAge(value)).toBe(expected);
  });
});
