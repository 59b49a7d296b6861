import { badRequest } from '../http/api-error.js';
import { MY_ACCOUNT_OAS, resolveRef, type OasDocument } from './oas-document.js';
import type { ApiOperation } from './operations.js';
import { toValidationErrors, type OasSchemas, type ValidationErrorItem } from './schema-validator.js';

interface PolymorphicSchema {
  discriminator?: { propertyName: string; mapping: Record<string, string> };
  anyOf?: Array<{ $ref: string; 'x-type'?: string }>;
}

function fail(errors: ValidationErrorItem[], where = 'body'): never {
  throw badRequest(
    'invalid_request',
    `Invalid request ${where}: ${errors.map((e) => e.detail).join('; ')}`,
    errors,
  );
}

/**
 * Validates request bodies and parameters against the OAS. A `oneOf` with a `discriminator` is checked
 * against the branch its `type` names (so errors speak about that type); an `anyOf` whose branches carry
 * `x-type` is checked against the branch of the type the caller already knows (the method id's type).
 */
export class RequestValidator {
  constructor(
    private readonly schemas: OasSchemas,
    private readonly doc: OasDocument = MY_ACCOUNT_OAS,
  ) {}

  body(operation: ApiOperation, body: unknown, knownType?: string): Record<string, unknown> {
    const ref = operation.bodySchemaRef;
    if (!ref) return {};
    const schema = resolveRef<PolymorphicSchema>(this.doc, ref);
    let branch = ref;
    if (schema.discriminator) branch = this.discriminated(schema.discriminator, body);
    else if (schema.anyOf && knownType)
      branch = schema.anyOf.find((b) => b['x-type'] === knownType)?.$ref ?? ref;
    const validate = this.schemas.byRef(branch);
    if (!validate(body)) fail(toValidationErrors(validate.errors, 'body'));
    return body as Record<string, unknown>;
  }

  private discriminated(
    discriminator: NonNullable<PolymorphicSchema['discriminator']>,
    body: unknown,
  ): string {
    const property = discriminator.propertyName;
    const allowed = Object.keys(discriminator.mapping);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      fail([{ detail: 'body must be object', pointer: '/', source: 'body' }]);
    }
    const value = (body as Record<string, unknown>)[property];
    const at = { field: property, pointer: `/${property}`, source: 'body' };
    if (value === undefined) fail([{ detail: `${property} is required`, ...at }]);
    if (typeof value !== 'string' || !allowed.includes(value)) {
      fail([
        { detail: `${property} must be equal to one of the allowed values (${allowed.join(', ')})`, ...at },
      ]);
    }
    return discriminator.mapping[value];
  }

  /** Query parameters: repeated names become arrays (`style: form, explode: true`), integers are parsed. */
  query(operation: ApiOperation, search: URLSearchParams): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const errors: ValidationErrorItem[] = [];
    for (const param of operation.parameters.filter((p) => p.in === 'query')) {
      const values = search.getAll(param.name);
      if (values.length === 0) continue;
      let value: unknown = param.explode && values.length > 1 ? values : values[0];
      if (typeof value === 'string' && /^-?\d{1,15}$/.test(value) && this.isInteger(param.schema))
        value = Number(value);
      const validate = this.schemas.inline(`${operation.operationId}:query:${param.name}`, param.schema);
      if (validate(value)) out[param.name] = value;
      else errors.push(...toValidationErrors(validate.errors, 'query', `/${param.name}`));
    }
    if (errors.length > 0) fail(errors, 'query');
    return out;
  }

  /** Path parameters, already percent-decoded. */
  path(operation: ApiOperation, params: Record<string, string>): void {
    const errors: ValidationErrorItem[] = [];
    for (const param of operation.parameters.filter((p) => p.in === 'path')) {
      const validate = this.schemas.inline(`${operation.operationId}:path:${param.name}`, param.schema);
      if (!validate(params[param.name]))
        errors.push(...toValidationErrors(validate.errors, 'path', `/${param.name}`));
    }
    if (errors.length > 0) fail(errors, 'path');
  }

  private isInteger(schema: Record<string, unknown>): boolean {
    return schema.type === 'integer';
  }
}
