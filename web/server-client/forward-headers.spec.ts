import { buildForwardHeaders, type ForwardPolicy } from './forward-headers.js';

const POLICY: ForwardPolicy = { cookieName: '__Host-bff', publicOrigin: 'https://app.example.com/' };
const BROWSER = {
  cookie: 'theme=dark; __Host-bff=s%3Aabc.sig; __Host-bff-tx=t1',
  origin: 'https://app.example.com',
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'navigate',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
  'accept-language': 'fr-CH',
  authorization: 'Basic dXNlcjpwYXNz',
  referer: 'https://app.example.com/example/',
  host: 'app.example.com',
};

describe('buildForwardHeaders', () => {
  it('forwards only the session cookie, X-CSRF and the user agent on a read; no Origin or token', () => {
    expect(buildForwardHeaders(BROWSER, { method: 'GET', hasBody: false }, POLICY)).toEqual({
      'x-csrf': '1',
      accept: 'application/json',
      cookie: '__Host-bff=s%3Aabc.sig',
      'user-agent': BROWSER['user-agent'],
      'accept-language': 'fr-CH',
    });
  });

  it("adds the browser's Origin and the form's CSRF token on a write, JSON when there is a body", () => {
    const headers = buildForwardHeaders(
      BROWSER,
      { method: 'PATCH', csrfToken: 'tok', hasBody: true },
      POLICY,
    );
    expect(headers).toMatchObject({ origin: 'https://app.example.com', 'x-csrf-token': 'tok' });
    expect(headers['content-type']).toBe('application/json');
  });

  it('uses the public origin on a write when the browser sent no Origin', () => {
    const { origin: _omitted, ...noOrigin } = BROWSER;
    const headers = buildForwardHeaders(
      noOrigin,
      { method: 'DELETE', csrfToken: 't', hasBody: false },
      POLICY,
    );
    expect(headers.origin).toBe('https://app.example.com');
  });

  it('passes a foreign browser Origin on unchanged (so the BFF refuses it), never the public origin instead', () => {
    const forged = { ...BROWSER, origin: 'https://evil.example' };
    expect(buildForwardHeaders(forged, { method: 'POST', hasBody: false }, POLICY).origin).toBe(
      'https://evil.example',
    );
  });

  it('never sends fetch metadata, Authorization, Referer, Host or other cookies', () => {
    const headers = buildForwardHeaders(
      BROWSER,
      { method: 'DELETE', csrfToken: 't', hasBody: false },
      POLICY,
    );
    for (const name of ['sec-fetch-site', 'sec-fetch-mode', 'authorization', 'referer', 'host'])
      expect(headers).not.toHaveProperty(name);
    expect(headers.cookie).toBe('__Host-bff=s%3Aabc.sig');
  });

  it('sends no token when the form presented none, and no cookie when the browser has no session', () => {
    const headers = buildForwardHeaders(
      { cookie: 'theme=dark' },
      { method: 'DELETE', hasBody: false },
      POLICY,
    );
    expect(headers).not.toHaveProperty('x-csrf-token');
    expect(headers).not.toHaveProperty('cookie');
  });

  it('never takes a look-alike cookie for the session cookie', () => {
    const headers = buildForwardHeaders(
      { cookie: '__Host-bffx=a; x__Host-bff=b; __host-bff=c' },
      { method: 'GET', hasBody: false },
      POLICY,
    );
    expect(headers).not.toHaveProperty('cookie');
  });
});
