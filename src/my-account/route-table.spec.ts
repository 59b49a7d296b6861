import { readFileSync } from 'node:fs';
import {
  buildRouteTable,
  DEFAULT_ROUTE_TIMEOUTS,
  findRouteByOperationId,
  findUnknownTimeoutKeys,
  MY_ACCOUNT_ROUTES,
  routeTimeoutsFromConfig,
} from './route-table.js';

interface OasOperation {
  operationId: string;
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, unknown> };
  parameters?: ({ $ref: string } | { name: string; in: string })[];
}
const OAS_FILE = new URL('../../tenant/my-account/myaccount-api-oas.json', import.meta.url);
const oas = JSON.parse(readFileSync(OAS_FILE, 'utf8')) as {
  info: { version: string };
  paths: Record<string, Record<string, OasOperation>>;
  components: { parameters: Record<string, { name: string; in: string }> };
};
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const oasOperations = Object.entries(oas.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({ path, method: m.toUpperCase(), op: item[m] })),
);
const paramsOf = (op: OasOperation, where: string) =>
  (op.parameters ?? [])
    .map((p) => ('$ref' in p ? oas.components.parameters[p.$ref.split('/').pop()!] : p))
    .filter((p) => p.in === where)
    .map((p) => p.name);

describe('My Account route table', () => {
  it('has exactly the operations of the OAS, no more', () => {
    const fromOas = oasOperations.map(({ method, path }) => `${method} ${path}`).sort();
    const fromTable = MY_ACCOUNT_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(fromTable).toEqual(fromOas);
    expect(fromTable).toHaveLength(15);
  });

  it.each(oasOperations)(
    '$method $path: operationId, the one scope, body and parameters as the OAS says',
    ({ path, method, op }) => {
      const route = MY_ACCOUNT_ROUTES.find((r) => r.method === method && r.path === path)!;
      const scopes = (op.security ?? []).flatMap((req) => Object.values(req).flat());
      expect(scopes).toHaveLength(1);
      expect(route.operationId).toBe(op.operationId);
      expect(route.scope).toBe(scopes[0]);
      expect(route.hasJsonBody).toBe(Boolean(op.requestBody?.content?.['application/json']));
      expect(route.pathParams.map((p) => p.name)).toEqual(paramsOf(op, 'path'));
      expect(route.queryParams.map((p) => p.name)).toEqual(paramsOf(op, 'query'));
    },
  );

  it('keeps the path-parameter patterns of the OAS', () => {
    const del = findRouteByOperationId('deleteConnectedAccount')!;
    expect(del.pathParams).toEqual([{ name: 'id', pattern: '^cac_[A-Za-z0-9]+$' }]);
    expect(findRouteByOperationId('getAuthenticationMethod')!.pathParams).toEqual([
      { name: 'authentication_method_id', pattern: null },
    ]);
  });

  it('knows which query parameters repeat (connection filter: form, explode, up to 20)', () => {
    const accounts = findRouteByOperationId('getConnectedAccounts')!;
    expect(accounts.queryParams).toEqual([
      { name: 'connection', array: true, maxItems: 20 },
      { name: 'from', array: false, maxItems: null },
      { name: 'take', array: false, maxItems: null },
    ]);
  });

  it('gives reads a shorter timeout than writes by default', () => {
    for (const route of MY_ACCOUNT_ROUTES) {
      const expected =
        route.method === 'GET' ? DEFAULT_ROUTE_TIMEOUTS.readMs : DEFAULT_ROUTE_TIMEOUTS.writeMs;
      expect(route.timeoutMs).toBe(expected);
    }
    expect(DEFAULT_ROUTE_TIMEOUTS.readMs).toBeLessThan(DEFAULT_ROUTE_TIMEOUTS.writeMs);
  });

  it('lets configuration override the timeout of one operation', () => {
    const table = buildRouteTable({
      readMs: 1000,
      writeMs: 2000,
      byOperation: { confirmAuthenticationMethod: 15000 },
    });
    expect(findRouteByOperationId('confirmAuthenticationMethod', table)!.timeoutMs).toBe(15000);
    expect(findRouteByOperationId('createAuthenticationMethod', table)!.timeoutMs).toBe(2000);
    expect(findRouteByOperationId('getFactors', table)!.timeoutMs).toBe(1000);
  });

  it('reads timeouts from the configuration shape (method + template keys too)', () => {
    const timeouts = routeTimeoutsFromConfig({
      timeoutMs: 8000,
      perRouteTimeouts: { 'POST /authentication-methods': 15000 },
    });
    const table = buildRouteTable(timeouts);
    expect(findRouteByOperationId('createAuthenticationMethod', table)!.timeoutMs).toBe(15000);
    expect(findRouteByOperationId('deleteAuthenticationMethod', table)!.timeoutMs).toBe(8000);
    expect(findRouteByOperationId('getFactors', table)!.timeoutMs).toBe(DEFAULT_ROUTE_TIMEOUTS.readMs);
    expect(routeTimeoutsFromConfig({ timeoutMs: 1000 }).readMs).toBe(1000);
  });

  it('names per-route timeout keys that match no route', () => {
    expect(findUnknownTimeoutKeys({ getFactors: 1, 'GET /factors': 1, 'PUT /factors': 1, nope: 1 })).toEqual([
      'PUT /factors',
      'nope',
    ]);
  });

  it('refuses a template naming an undeclared path parameter', () => {
    const broken = { ...MY_ACCOUNT_ROUTES[3], path: '/x/{nope}', pathParams: [] };
    expect(() => buildRouteTable(DEFAULT_ROUTE_TIMEOUTS, [broken])).toThrow(/nope is not declared/);
  });

  it('is what the generator writes today (the committed file is not stale)', async () => {
    // @ts-expect-error: a plain .mjs script without type declarations
    const generator = await import('../../scripts/generate-route-table.mjs');
    const expected = await generator.renderRoutes(generator.generateRoutes(oas), oas.info.version);
    const committed = readFileSync(new URL('./route-table.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(expected);
  });
});
