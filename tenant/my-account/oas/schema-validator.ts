import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { MY_ACCOUNT_OAS, type OasDocument } from './oas-document.js';

/** One entry of the OAS `ValidationError` schema. */
export interface ValidationErrorItem {
  detail: string;
  field?: string;
  pointer?: string;
  source?: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const OAS_ID = 'myaccount-oas';
const MAX_REPORTED_ERRORS = 20;

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `${OAS_ID}${value}`
        : rewriteRefs(value);
  }
  return out;
}

/**
 * The OAS schemas compiled with ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses). `strict: false` because
 * the document carries OpenAPI keywords (`discriminator`, `example`, `x-*`) that are not JSON Schema;
 * `discriminator` is honoured by the callers, which pick the `oneOf` branch by `type` themselves.
 */
export class OasSchemas {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(doc: OasDocument = MY_ACCOUNT_OAS) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: OAS_ID, components: doc.components });
  }

  /** A validator for `#/components/schemas/<name>` (or any local pointer into the document). */
  byRef(ref: string): ValidateFunction {
    let fn = this.cache.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${OAS_ID}${ref}` });
      this.cache.set(ref, fn);
    }
    return fn;
  }

  /** A validator for an inline schema whose `$ref`s point into the document. */
  inline(key: string, schema: unknown): ValidateFunction {
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(rewriteRefs(schema) as object);
      this.cache.set(key, fn);
    }
    return fn;
  }
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum') return `${error.message} (${(params.allowedValues as unknown[]).join(', ')})`;
  if (error.keyword === 'const') return `must be ${JSON.stringify(params.allowedValue)}`;
  return error.message ?? 'is invalid';
}

/** Turns ajv errors into the OAS `validation_errors` list (JSON Pointer into the body or parameter name). */
export function toValidationErrors(
  errors: ErrorObject[] | null | undefined,
  source: 'body' | 'query' | 'path',
  root = '',
): ValidationErrorItem[] {
  const items: ValidationErrorItem[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    const params = error.params as Record<string, unknown>;
    const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
    const pointer = `${root}${error.instancePath}${extra !== undefined ? `/${extra}` : ''}`;
    const field = pointer.split('/').filter(Boolean).join('.') || undefined;
    const message = error.keyword === 'additionalProperties' ? 'is not allowed' : describe(error);
    const detail = error.keyword === 'required' ? `${field} is required` : `${field ?? source} ${message}`;
    const key = `${pointer}|${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ detail, ...(field ? { field } : {}), pointer: pointer || '/', source });
    if (items.length >= MAX_REPORTED_ERRORS) break;
  }
  return items;
}
