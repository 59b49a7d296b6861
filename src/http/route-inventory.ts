import type { Express } from 'express';

interface RouteLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/** The methods Express has routes for at `path` (for 405 + `Allow`, RFC 9110 §15.5.6). */
const ALL_METHODS_THRESHOLD = 20;

export function allowedMethods(app: Express, path: string): string[] {
  const stack = (app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || !safeMatch(layer, path)) continue;
    const entries = Object.entries(layer.route.methods);
    // Express 5's app.all() registers every method one by one (Nest mounts path middleware that way): a
    // layer that takes every method is middleware or a catch-all and never explains a 404.
    if (layer.route.methods._all || entries.length >= ALL_METHODS_THRESHOLD) continue;
    for (const [method, on] of entries) {
      if (on) methods.add(method.toUpperCase());
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

function safeMatch(layer: RouteLayer, path: string): boolean {
  try {
    return layer.match(path);
  } catch {
    return false;
  }
}
