/**
 * How a platform's failure reaches a client: the platform's own code and
 * message verbatim, the provider and operation named, and a status that
 * says whose fault it was — 4xx when the caller's input was refused, 502
 * when the platform failed, 504 when it did not answer, 501 when it has
 * no such operation.
 */
import { ProviderError, UnsupportedOperationError, type ProviderErrorKind } from '../providers/contract.ts';
import { UnknownProviderError } from '../providers/registry.ts';
import type { ProblemSlug } from '../domain/errors.ts';

const BY_KIND: Record<ProviderErrorKind, { slug: ProblemSlug; status: number; detail: string }> = {
  invalid: { slug: 'provider-refused', status: 422, detail: 'the platform refused the request as invalid' },
  quota: {
    slug: 'provider-refused',
    status: 422,
    detail: 'the platform refused the request: a quota or limit was reached',
  },
  not_found: { slug: 'provider-refused', status: 404, detail: 'the platform does not know the resource' },
  conflict: {
    slug: 'provider-refused',
    status: 409,
    detail: "the platform refused the request in the resource's current state",
  },
  auth: {
    slug: 'provider-failed',
    status: 502,
    detail: "the platform rejected the account's credentials; check them with POST /v1/accounts/{id}/verify",
  },
  rate_limited: {
    slug: 'provider-failed',
    status: 503,
    detail: 'the platform is rate limiting this account; retry later',
  },
  unavailable: { slug: 'provider-failed', status: 502, detail: 'the platform failed to answer properly' },
  malformed: {
    slug: 'provider-failed',
    status: 502,
    detail: 'the platform answered with a body Cloudplane could not read',
  },
  timeout: { slug: 'provider-timeout', status: 504, detail: 'the platform did not answer in time' },
};

export interface MappedProblem {
  slug: ProblemSlug;
  status: number;
  detail: string;
  extensions: Record<string, unknown>;
  headers: Record<string, string>;
}

export function providerProblem(error: unknown): MappedProblem | undefined {
  if (error instanceof UnsupportedOperationError) {
    return {
      slug: 'provider-unsupported',
      status: 501,
      detail: `${error.provider} does not support ${error.operation}`,
      extensions: { provider: error.provider, operation: error.operation },
      headers: {},
    };
  }
  if (error instanceof UnknownProviderError) {
    return {
      slug: 'validation-failed',
      status: 422,
      detail: error.message,
      extensions: { errors: [{ in: 'body', pointer: '/provider', detail: error.message }] },
      headers: {},
    };
  }
  if (error instanceof ProviderError) {
    const m = BY_KIND[error.kind];
    const headers: Record<string, string> = {};
    if (error.kind === 'rate_limited')
      headers['retry-after'] = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 5_000) / 1000)));
    return {
      slug: m.slug,
      status: m.status,
      detail: error.providerMessage ? `${m.detail}: ${error.providerMessage}` : m.detail,
      extensions: {
        provider: error.provider,
        operation: error.operation,
        providerCode: error.providerCode ?? null,
        providerMessage: error.providerMessage ?? null,
        retryable: error.retryable,
      },
      headers,
    };
  }
  return undefined;
}

export const isPlatformError = (error: unknown) =>
  error instanceof ProviderError || error instanceof UnsupportedOperationError;
