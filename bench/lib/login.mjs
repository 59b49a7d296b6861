// A browser login driven with fetch (no browser needed): the app's login route, the local tenant's login
// and consent pages, back to the app's callback. Returns the Cookie header the signed-in browser sends.

/* global fetch, URLSearchParams */
const MAX_STEPS = 20;

class Jar {
  cookies = new Map(); // host -> Map(name -> value)

  header(url) {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  store(url, setCookies) {
    const host = new URL(url).host;
    if (!this.cookies.has(host)) this.cookies.set(host, new Map());
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a),
      );
      if (expired) this.cookies.get(host).delete(name);
      else this.cookies.get(host).set(name, pair.slice(eq + 1).trim());
    }
  }

  async fetch(url, init = {}) {
    const headers = { ...init.headers };
    const cookie = this.header(url);
    if (cookie) headers.cookie = cookie;
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(url, res.headers.getSetCookie());
    const body = await res.text();
    const location = res.headers.get('location');
    return {
      status: res.status,
      url: String(url),
      body,
      location: location ? new URL(location, url).href : undefined,
    };
  }
}

const attr = (tag, name) =>
  new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag)?.[1]?.replace(/&amp;/g, '&');

function submit(jar, page, overrides, button) {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page.body);
  if (!form) throw new Error(`No form on ${page.url}`);
  const fields = {};
  for (const [tag] of form[2].matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(tag, 'name');
    const type = (attr(tag, 'type') ?? 'text').toLowerCase();
    if (name && type !== 'submit' && type !== 'checkbox' && type !== 'radio')
      fields[name] = attr(tag, 'value') ?? '';
  }
  Object.assign(fields, overrides, button);
  const action = new URL(attr(` ${form[1]}`, 'action') || page.url, page.url);
  return jar.fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function throughTenant(jar, authorizeUrl, credentials) {
  const tenant = new URL(authorizeUrl).origin;
  let page = await jar.fetch(authorizeUrl);
  for (let step = 0; step < MAX_STEPS; step++) {
    if (page.location && page.status >= 300 && page.status < 400) {
      if (new URL(page.location).origin !== tenant) return page.location;
      page = await jar.fetch(page.location);
    } else if (page.status >= 400) {
      throw new Error(`Tenant login failed at ${page.url}: ${page.status} ${page.body.slice(0, 300)}`);
    } else if (/name="password"/.test(page.body)) {
      page = await submit(jar, page, credentials);
    } else if (/value="allow"/.test(page.body)) {
      page = await submit(jar, page, {}, { action: 'allow' });
    } else {
      throw new Error(`Unexpected tenant page at ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
    }
  }
  throw new Error(`Tenant login did not finish within ${MAX_STEPS} steps`);
}

/**
 * Logs in at `appUrl + loginPath` and returns the app's cookies as a Cookie header. `sessionCookie`
 * names the cookie that must exist afterwards.
 */
export async function login({ appUrl, loginPath, sessionCookie, credentials }) {
  const jar = new Jar();
  const start = await jar.fetch(`${appUrl}${loginPath}`);
  if (start.status !== 302 || !start.location)
    throw new Error(`${appUrl}${loginPath} answered ${start.status}: ${start.body.slice(0, 200)}`);
  const callback = await throughTenant(jar, start.location, credentials);
  const done = await jar.fetch(callback);
  if (done.status >= 400) throw new Error(`The callback answered ${done.status}: ${done.body.slice(0, 300)}`);
  const host = new URL(appUrl).host;
  const value = jar.cookies.get(host)?.get(sessionCookie);
  if (!value)
    throw new Error(`No ${sessionCookie} cookie after the login at ${appUrl} (callback ${done.status})`);
  return `${sessionCookie}=${value}`;
}
