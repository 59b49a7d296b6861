import { parseForm } from './cookie-client.js';

describe('parseForm', () => {
  const page = `<html><body>
<form id="other" method="get" action="/search"><input name="q" value="x"></form>
<form method="post" action="/u/login/abc?x=1&amp;y=2">
  <input id="username" name="username" type="email" value="&quot;a&quot;@example.com">
  <input name="password" type="password">
  <input type="hidden" name="csrf" value='t0k'>
  <input type="checkbox" name="remember" value="yes">
  <input type="checkbox" name="agree" value="on" checked>
  <textarea name="note">hello &amp; bye</textarea>
  <button type="submit" name="action" value="verify">Go</button>
  <button type="button" id="passkey">Passkey</button>
  <button name="action" value="send:email|1">Send</button>
</form></body></html>`;

  it('reads the action (resolved, entities decoded), method, fields and named submit buttons', () => {
    const form = parseForm(page, 'http://localhost:4000/u/login/abc', 1);
    expect(form.action).toBe('http://localhost:4000/u/login/abc?x=1&y=2');
    expect(form.method).toBe('POST');
    expect(form.fields).toEqual({
      username: '"a"@example.com',
      password: '',
      csrf: 't0k',
      agree: 'on',
      note: 'hello & bye',
    });
    expect(form.buttons).toEqual([
      { name: 'action', value: 'verify' },
      { name: 'action', value: 'send:email|1' },
    ]);
  });

  it('defaults the action to the page URL and the method to GET; fails clearly without a form', () => {
    const form = parseForm('<form><input name="a" value="1"></form>', 'http://h/p?q=1');
    expect(form).toMatchObject({ action: 'http://h/p?q=1', method: 'GET', fields: { a: '1' } });
    expect(() => parseForm('<p>no form</p>', 'http://h/', 0)).toThrow('No <form> #0 on http://h/ (found 0)');
  });
});
