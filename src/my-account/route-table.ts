import { GENERATED_ROUTES } from './route-table.generated.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'TRACE';

/** A path parameter of an operation; `pattern` is the OAS schema's `pattern`, when it declares one. */
export interface PathParam {
  readonly name: string;
  readonly pattern: string | null;
}

/** A query parameter the OAS declares; `array` when it may repeat (`style: form, explode: true`). */
export interface QueryParam {
  readonly name: string;
  readonly array: boolean;
  readonly maxItems: number | null;
}

/** One operation as scripts/generate-route-table.mjs extracts it from the OAS. */
export interface GeneratedRoute {
  readonly operationId: string;
  readonly method: string;
  /** Path template relative to `/me/v1`, e.g. `/authentication-methods/{authentication_method_id}`. */
  readonly path: string;
  /** The one scope the operation's `security` requirement names. */
  readonly scope: string;
  readonly hasJsonBody: boolean;
  readonly bodyRequired: boolean;
  readonly pathParams: readonly PathParam[];
  readonly queryParams: readonly QueryParam[];
}

/** One segment of a path template: a literal, or the index of a path parameter. */
export type TemplateSegment =
  { readonly literal: string } | { readonly param: PathParam; readonly regex: RegExp | null };

/** A proxied operation: the generated facts plus what the gateway adds (timeout, compiled template). */
export interface MyAccountRoute extends GeneratedRoute {
  readonly method: HttpMethod;
  readonly timeoutMs: number;
  readonly segments: readonly TemplateSegment[];
}

/**
 * Default upstream timeouts. Reads are short (a list of at most 20 items); writes get longer because
 * enrollment makes the upstream verify attestations, send codes and write state.
 */
export const DEFAULT_ROUTE_TIMEOUTS = { readMs: 5_000, writeMs: 10_000 } as const;

export interface RouteTimeouts {
  readonly readMs: number;
  readonly writeMs: number;
  /** Per operationId or `METHOD /template` (e.g. `POST /authentication-methods`), overriding the default. */
  readonly byOperation?: Readonly<Record<string, number>>;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** `POST /authentication-methods`: how configuration names a route. */
export const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/**
 * Config `myAccount` → timeouts: `timeoutMs` is the write timeout, reads get the shorter of it and the read
 * default; `perRouteTimeouts` keys are operationIds or `METHOD /template`.
 */
export function routeTimeoutsFromConfig(config: {
  readonly timeoutMs: number;
  readonly perRouteTimeouts?: Readonly<Record<string, number>>;
}): RouteTimeouts {
  return {
    readMs: Math.min(config.timeoutMs, DEFAULT_ROUTE_TIMEOUTS.readMs),
    writeMs: config.timeoutMs,
    byOperation: config.perRouteTimeouts ?? {},
  };
}

/** Per-route timeout keys that name no route (for configuration to refuse at boot). */
export function findUnknownTimeoutKeys(
  byOperation: Readonly<Record<string, number>>,
  generated: readonly GeneratedRoute[] = GENERATED_ROUTES,
): string[] {
  const known = new Set(generated.flatMap((route) => [route.operationId, routeKey(route)]));
  return Object.keys(byOperation).filter((key) => !known.has(key));
}

function compileSegments(route: GeneratedRoute): TemplateSegment[] {
  return route.path
    .split('/')
    .slice(1)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return { literal: part };
      const param = route.pathParams.find((p) => p.name === name);
      if (!param) throw new Error(`${route.operationId}: path parameter ${name} is not declared`);
      return { param, regex: param.pattern === null ? null : new RegExp(param.pattern, 'u') };
    });
}

/** Builds the route table, with per-route timeouts (reads shorter than writes, overridable per operation). */
export function buildRouteTable(
  timeouts: RouteTimeouts = DEFAULT_ROUTE_TIMEOUTS,
  generated: readonly GeneratedRoute[] = GENERATED_ROUTES,
): readonly MyAccountRoute[] {
  return generated.map((route) => {
    const fallback = READ_METHODS.has(route.method) ? timeouts.readMs : timeouts.writeMs;
    return Object.freeze({
      ...route,
      method: route.method as HttpMethod,
      timeoutMs:
        timeouts.byOperation?.[route.operationId] ?? timeouts.byOperation?.[routeKey(route)] ?? fallback,
      segments: compileSegments(route),
    });
  });
}

/** The table with the default timeouts. */
export const MY_ACCOUNT_ROUTES: readonly MyAccountRoute[] = buildRouteTable();

/** The route with this operationId, or undefined. */
export function findRouteByOperationId(
  operationId: string,
  routes: readonly MyAccountRoute[] = MY_ACCOUNT_ROUTES,
): MyAccountRoute | undefined {
  return routes.find((route) => route.operationId === operationId);
}
