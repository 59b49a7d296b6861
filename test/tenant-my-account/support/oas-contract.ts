import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Checks responses against Auth0's My Account OAS (read from the tenant's copy): the status must be
 * declared for the operation (or be one of the generic errors the OAS does not list), the body must match
 * the declared schema, required headers must be present with the declared type.
 */

interface Json {
  [k: string]: unknown;
}

export const OAS = JSON.parse(
  readFileSync(new URL('../../../tenant/my-account/myaccount-api-oas.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, Json>>; components: Json };

/** Errors any operation can produce although the OAS lists them only where Auth0 documented them. */
const GENERIC_ERRORS = new Set([400, 404, 405, 409, 413, 415, 503]);

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ $id: 'oas', components: OAS.components });

const cache = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let fn = cache.get(ref);
  if (!fn) cache.set(ref, (fn = ajv.compile({ $ref: `oas${ref}` })));
  return fn;
}

function resolve(node: Json): Json {
  let current = node;
  while (typeof current.$ref === 'string') {
    current = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((acc, part) => (acc as Json)[part], OAS) as Json;
  }
  return current;
}

export interface OperationInfo {
  operationId: string;
  method: string;
  template: string;
  scope: string;
  statuses: number[];
}

export const OPERATIONS: OperationInfo[] = Object.entries(OAS.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => ({
    operationId: op.operationId as string,
    method: method.toUpperCase(),
    template,
    scope: Object.values((op.security as Array<Record<string, string[]>>)[0])[0][0],
    statuses: Object.keys(op.responses as Json).map(Number),
  })),
);

function operation(operationId: string): Json {
  for (const item of Object.values(OAS.paths))
    for (const op of Object.values(item)) if (op.operationId === operationId) return op;
  throw new Error(`No operation ${operationId} in the OAS`);
}

/** Problems of one response against the OAS (empty when it conforms). */
export function contractProblems(
  operationId: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
): string[] {
  const problems: string[] = [];
  const declared = (operation(operationId).responses as Record<string, Json>)[String(status)];
  if (!declared && !(status >= 400 && GENERIC_ERRORS.has(status)))
    return [`${operationId}: status ${status} is not declared`];
  const response = declared
    ? resolve(declared)
    : { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };
  const content = response.content as Record<string, { schema: { $ref: string } }> | undefined;
  if (content) {
    if (headers['content-type'] !== 'application/json')
      problems.push(`content-type is ${headers['content-type']}`);
    const validate = validator(content['application/json'].schema.$ref);
    if (!validate(body))
      problems.push(`body: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body).slice(0, 300)}`);
  } else if (body !== undefined && body !== '') {
    problems.push(`a ${status} must have no body`);
  }
  for (const [name, ref] of Object.entries((response.headers as Record<string, Json>) ?? {})) {
    const header = resolve(ref);
    const value = headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`missing header ${name}`);
      continue;
    }
    const schema = header.schema as Json;
    const typed = schema.type === 'number' ? Number(value) : value;
    if (schema.type === 'number' && !Number.isFinite(typed))
      problems.push(`header ${name} is not a number: ${value}`);
    if (schema.format === 'uri' && !/^https?:\/\//.test(String(value)))
      problems.push(`header ${name} is not a URI: ${value}`);
  }
  return problems;
}
