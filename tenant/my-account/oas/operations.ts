import { MY_ACCOUNT_OAS, resolveRef, type OasDocument, type OasParameter } from './oas-document.js';

/** One operation of the OAS, ready for routing and authorization. */
export interface ApiOperation {
  readonly operationId: string;
  readonly method: string;
  /** Path template relative to `/me/v1`, e.g. `/authentication-methods/{authentication_method_id}`. */
  readonly template: string;
  /** The one scope its `security` requirement names. */
  readonly scope: string;
  readonly parameters: readonly OasParameter[];
  /** `#/components/schemas/...` of the JSON request body, when it has one. */
  readonly bodySchemaRef?: string;
  readonly bodyRequired: boolean;
  readonly pattern: RegExp;
  readonly pathParamNames: readonly string[];
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function compileTemplate(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const param = /^\{([^}]+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), names };
}

/** Every operation the OAS declares, with the scope derived from its `security` (never hand-copied). */
export function buildOperations(doc: OasDocument = MY_ACCOUNT_OAS): ApiOperation[] {
  const operations: ApiOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const scopes = (op.security ?? []).flatMap((requirement) => Object.values(requirement).flat());
      if (scopes.length !== 1)
        throw new Error(`${op.operationId}: expected exactly one scope, found ${scopes.length}`);
      const parameters = (op.parameters ?? []).map((p) =>
        '$ref' in p ? resolveRef<OasParameter>(doc, p.$ref) : p,
      );
      const { pattern, names } = compileTemplate(template);
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        template,
        scope: scopes[0],
        parameters,
        bodySchemaRef: op.requestBody?.content['application/json']?.schema.$ref,
        bodyRequired: op.requestBody !== undefined,
        pattern,
        pathParamNames: names,
      });
    }
  }
  return operations;
}

export type RouteMatch =
  | { kind: 'found'; operation: ApiOperation; rawParams: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: string[] }
  | { kind: 'not_found' };

/** Matches a path (relative to `/me/v1`, still percent-encoded) against the operation table. */
export function matchRoute(operations: readonly ApiOperation[], method: string, path: string): RouteMatch {
  const candidates = operations.filter((op) => op.pattern.test(path));
  if (candidates.length === 0) return { kind: 'not_found' };
  const operation = candidates.find((op) => op.method === method);
  if (!operation) return { kind: 'method_not_allowed', allow: candidates.map((op) => op.method) };
  const values = operation.pattern.exec(path)!.slice(1);
  const rawParams: Record<string, string> = {};
  operation.pathParamNames.forEach((name, i) => (rawParams[name] = values[i]));
  return { kind: 'found', operation, rawParams };
}
