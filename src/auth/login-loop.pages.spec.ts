import { loginLoopPage, stepUpLoopPage } from './login-loop.pages.js';

describe('login-loop pages', () => {
  it('the breaker page says what happened, what to check, when to retry, and links back to login with returnTo', () => {
    const html = loginLoopPage(42, '/account?tab=methods');
    expect(html).toContain('<h1>Sign-in keeps restarting</h1>');
    expect(html).toContain('<h2>What to check</h2>');
    expect(html).toContain('try again in 42 seconds');
    expect(html).toContain('href="/auth/login?returnTo=%2Faccount%3Ftab%3Dmethods"');
    expect(loginLoopPage(5, '/')).toContain('href="/auth/login"');
  });

  it('the step-up page speaks in minutes for long waits and escapes the link', () => {
    const html = stepUpLoopPage(540, '/a"<b>');
    expect(html).toContain('try again in 9 minutes');
    expect(html).toContain('href="/a&quot;&lt;b&gt;"');
    expect(html).not.toContain('<b>');
  });

  it('contains no script or inline handler (the page is served with default-src none)', () => {
    for (const html of [loginLoopPage(1, '/'), stepUpLoopPage(1, '/')]) {
      expect(html).not.toMatch(/<script|\son[a-z]+=/i);
    }
  });
});
