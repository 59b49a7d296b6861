import { buildChallenge, insufficientScope, unauthorized } from './challenge.js';

describe('WWW-Authenticate challenges', () => {
  it('without credentials: both schemes, no error (RFC 6750 §3.1)', () => {
    const err = unauthorized(['Bearer', 'DPoP'], 'http://localhost:4000/me/');
    expect(err.status).toBe(401);
    expect(err.headers['www-authenticate']).toBe(
      'Bearer realm="http://localhost:4000/me/", DPoP realm="http://localhost:4000/me/", algs="ES256 ES384 ES512 RS256 PS256 EdDSA"',
    );
  });

  it('invalid token: error and description, quotes stripped from the description', () => {
    const err = unauthorized(['Bearer'], 'r', { code: 'invalid_token', description: 'bad "thing"' });
    expect(err.headers['www-authenticate']).toBe(
      'Bearer realm="r", error="invalid_token", error_description="bad thing"',
    );
    expect(err.toBody()).toEqual({
      type: 'invalid_token',
      title: 'Unauthorized',
      status: 401,
      detail: 'bad "thing"',
    });
  });

  it('insufficient scope names the scope', () => {
    const err = insufficientScope('DPoP', 'r', 'read:me:factors');
    expect(err.status).toBe(403);
    expect(err.headers['www-authenticate']).toContain('scope="read:me:factors"');
    expect(buildChallenge('Bearer', 'r')).toBe('Bearer realm="r"');
  });
});
