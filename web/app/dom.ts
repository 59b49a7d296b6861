/**
 * A tiny element builder: every text goes through `textContent`, never `innerHTML`, so nothing from the server
 * can become markup; no inline styles or handlers in markup (the page runs under a strict CSP).
 */
type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces the children of `el`. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function button(
  label: string,
  onClick: () => void,
  className = 'btn',
  extra: Attrs = {},
): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: className, onclick: onClick as EventListener, ...extra },
    label,
  );
}

/** A `<time>` showing a relative phrase, with the exact local date as its tooltip. */
export function timeEl(iso: string, phrase: string): HTMLTimeElement {
  const date = new Date(iso);
  return h('time', { datetime: iso, title: isNaN(date.getTime()) ? iso : date.toLocaleString() }, phrase);
}

/** Sets or clears the busy state of a control (disabled + aria-busy). */
export function setBusy(el: HTMLButtonElement | HTMLElement, busy: boolean): void {
  if (el instanceof HTMLButtonElement) el.disabled = busy;
  if (busy) el.setAttribute('aria-busy', 'true');
  else el.removeAttribute('aria-busy');
}

/** A section's "could not load" line: what failed, why in words, and a way to try again. */
export function showLoadError(status: HTMLElement, what: string, reason: string, retry: () => void): void {
  fill(status, `We couldn't load ${what}. ${reason} `, button('Try again', retry, 'btn btn-small'));
  status.hidden = false;
}
