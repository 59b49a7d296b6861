/**
 * Auth0's published OpenAPI document of the My Account API (`tenant/my-account/myaccount-api-oas.json`,
 * a data file the build copies into `dist/`). Routes, scopes and request schemas are read from it at
 * run time, so the tenant serves exactly the contract Auth0 publishes.
 */

export interface OasParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Record<string, unknown>;
  style?: string;
  explode?: boolean;
}

export interface OasOperation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<OasParameter | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, unknown>;
}

export interface OasDocument {
  paths: Record<string, Record<string, OasOperation>>;
  components: {
    schemas: Record<string, unknown>;
    parameters: Record<string, OasParameter>;
    responses: Record<string, unknown>;
    headers: Record<string, unknown>;
  };
}

// A dynamic import with a JSON attribute: tsc emits the JSON next to the compiled module, Node and jest
// both load it without a flag.
const loaded = (await import('../myaccount-api-oas.json', { with: { type: 'json' } })) as {
  default: unknown;
};

export const MY_ACCOUNT_OAS: OasDocument = loaded.default as OasDocument;

/** Resolves a local `#/components/...` reference. */
export function resolveRef<T>(doc: OasDocument, ref: string): T {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: unknown = doc;
  for (const part of parts) node = (node as Record<string, unknown>)[part];
  if (node === undefined) throw new Error(`Unresolvable reference ${ref} in the My Account OAS`);
  return node as T;
}
