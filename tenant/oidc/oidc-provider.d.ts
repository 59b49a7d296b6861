/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-redundant-type-constituents */
// oidc-provider 9 ships no type declarations; this is the small surface the tenant uses, kept loose on
// purpose (the library's objects are rich and dynamic). Behaviour is pinned by the tenant's e2e tests.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type Koa from 'koa';

  export type KoaContextWithOIDC = Koa.ParameterizedContext<any, any> & { oidc: any };

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    readonly issuer: string;
    proxy: boolean;
    app: Koa;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void> | void): void;
    on(event: string, listener: (...args: any[]) => void): this;
    registerGrantType(
      name: string,
      handler: (ctx: KoaContextWithOIDC) => Promise<void>,
      params?: string[] | Set<string>,
      dupes?: string[],
    ): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<any>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    Grant: any;
    Session: any;
    Client: any;
    AccessToken: any;
    RefreshToken: any;
    IdToken: any;
    ResourceServer: any;
    Interaction: any;
    [key: string]: any;
  }
  export const errors: Record<string, any> & {
    OIDCProviderError: new (
      status: number,
      message: string,
    ) => Error & { error_description?: string; status: number; expose: boolean };
  };
  export const interactionPolicy: any;
  export default Provider;
}

declare module 'oidc-provider/lib/helpers/grants.js' {
  const helpers: Record<string, (...args: any[]) => any>;
  export = helpers;
}

declare module 'oidc-provider/lib/helpers/grant_common.js' {
  export function issueTokens(
    provider: any,
    helpers: any,
    ctx: any,
    source: any,
    grant: any,
    options: any,
  ): Promise<void>;
}

declare module 'oidc-provider/lib/helpers/revoke.js' {
  export default function revoke(ctx: any, grantId: string): Promise<void>;
}

declare module 'oidc-provider/lib/actions/grants/refresh_token.js' {
  export function handler(provider: any, helpers: any, ctx: any): Promise<void>;
  export const parameters: Set<string>;
}
