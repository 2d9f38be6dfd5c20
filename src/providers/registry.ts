/**
 * Provider kind → its definition, and the guard every caller goes through.
 * api/ and tasks/ reach platforms only through here: `pool.get(account)`
 * returns a Provider whose every operation exists, and answers an
 * undeclared one with UnsupportedOperationError before any platform call.
 *
 * Adding a platform = one folder under providers/ plus one line in DEFINITIONS.
 */
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { ProviderInfo, ProviderKind, Capability } from '../domain/providers.ts';
import type { Logger } from '../logger.ts';
import type { MachineSpec } from '../domain/machine-spec.ts';
import {
  METHOD_OF,
  UnsupportedOperationError,
  type BaseAccountOptions,
  type CreateProblem,
  type ProviderAdapter,
  type ProviderDefinition,
} from './contract.ts';
import { createHttpClient } from './http.ts';
import { bridgx } from './bridgx/index.ts';
import { h3cCloudos } from './h3c-cloudos/index.ts';
import { legacyCluster } from './legacy-cluster/index.ts';
import { inspurEcs } from './inspur-ecs/index.ts';
import { starvcenter } from './starvcenter/index.ts';

/**
 * Every registered platform. A definition is typed by its own credentials and
 * options; the registry sees them as the zod schemas that parse unknown input
 * into them, which is all it needs (the factory only ever gets parsed values).
 */
const DEFINITIONS = [erase(h3cCloudos), erase(starvcenter), erase(inspurEcs), erase(legacyCluster), erase(bridgx)];

function erase<C, O extends BaseAccountOptions>(d: ProviderDefinition<C, O>): ProviderDefinition<unknown> {
  return d as unknown as ProviderDefinition<unknown>;
}

const BY_KIND = new Map<ProviderKind, ProviderDefinition<unknown>>(DEFINITIONS.map((d) => [d.kind, d]));

/** Account input as its JSON Schema: what a user reads to learn the shape (input side: defaults are optional). */
const jsonSchemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

const INFOS: ProviderInfo[] = DEFINITIONS.map((d) => ({
  kind: d.kind,
  title: d.title,
  capabilities: [...d.capabilities],
  scaling: d.scaling,
  paging: d.paging,
  listLagMs: d.listLagMs,
  credentialsSchema: jsonSchemaOf(d.credentials),
  optionsSchema: jsonSchemaOf(d.options),
}));

export function providerInfos(): ProviderInfo[] {
  return INFOS;
}

/** Every registered definition, in registry order (the simulators' ports follow it). */
export function definitions(): readonly ProviderDefinition<unknown>[] {
  return DEFINITIONS;
}

export function definitionOf(kind: ProviderKind): ProviderDefinition<unknown> | undefined {
  return BY_KIND.get(kind);
}

type Operations = Required<Omit<ProviderAdapter, 'kind' | 'capabilities'>>;

/** An adapter behind the capability guard: every method exists; unsupported ones throw 501-class errors. */
export type Provider = Operations & {
  readonly kind: ProviderKind;
  readonly definition: ProviderDefinition<unknown>;
  supports(capability: Capability): boolean;
  /** The definition's checkCreate for this account: what a create of `spec` would be refused for, no call made. */
  checkCreate(spec: MachineSpec): CreateProblem[];
};

export function guard(
  adapter: ProviderAdapter,
  definition: ProviderDefinition<unknown>,
  account: { credentials: unknown; options: BaseAccountOptions } = { credentials: {}, options: {} },
): Provider {
  const declared = new Set(definition.capabilities);
  const supports = (c: Capability) =>
    declared.has(c) && adapter.capabilities.has(c) && adapter[METHOD_OF[c]] !== undefined;
  const checkCreate = (spec: MachineSpec) => definition.checkCreate?.({ spec, ...account }) ?? [];
  const guarded: Record<string, unknown> = { kind: adapter.kind, definition, supports, checkCreate };
  for (const [capability, method] of Object.entries(METHOD_OF) as [Capability, keyof Operations][]) {
    guarded[method] = (...args: unknown[]) => {
      if (!supports(capability)) return Promise.reject(new UnsupportedOperationError(adapter.kind, capability));
      return (adapter[method] as (...a: unknown[]) => Promise<unknown>).apply(adapter, args);
    };
  }
  return guarded as Provider;
}

/** What the pool needs to know of an account; credentials already decrypted. */
export interface AccountRecord {
  id: string;
  provider: ProviderKind;
  endpoint: string;
  credentials: unknown;
  options: unknown;
  /** Changes whenever the account is edited, so a cached adapter is rebuilt. */
  version: string;
}

export class UnknownProviderError extends Error {
  constructor(readonly provider: string) {
    super(`no adapter is registered for provider ${provider}`);
    this.name = 'UnknownProviderError';
  }
}

/**
 * Adapters per account, built once and reused, so each account keeps one
 * pooled HTTP client (and one login token) across requests.
 */
export function createProviderPool(deps: { logger: Logger; metrics?: Registry; retireAfterMs?: number }) {
  const cache = new Map<string, { version: string; provider: Provider; close: () => Promise<void> }>();
  const retiring = new Map<NodeJS.Timeout, () => Promise<void>>();
  // A replaced adapter may still be in use by a running task or request: close it only later.
  const retire = (close: () => Promise<void>) => {
    const timer = setTimeout(() => {
      retiring.delete(timer);
      void close();
    }, deps.retireAfterMs ?? 120_000);
    timer.unref();
    retiring.set(timer, close);
  };

  return {
    get(account: AccountRecord): Provider {
      const hit = cache.get(account.id);
      if (hit && hit.version === account.version) return hit.provider;
      if (hit) retire(hit.close);
      const definition = definitionOf(account.provider);
      if (!definition) throw new UnknownProviderError(account.provider);
      const credentials = definition.credentials.parse(account.credentials);
      const options = definition.options.parse(account.options ?? {});
      const logger = deps.logger.child({ provider: account.provider, accountId: account.id });
      const http = createHttpClient({
        provider: account.provider,
        baseUrl: account.endpoint,
        logger,
        metrics: deps.metrics,
        timeoutMs: options.timeoutMs ?? definition.defaultTimeoutMs,
        ...(definition.classify ? { classify: definition.classify } : {}),
      });
      const adapter = definition.create(
        { id: account.id, endpoint: account.endpoint, credentials, options },
        { http, logger },
      );
      const provider = guard(adapter, definition, { credentials, options });
      cache.set(account.id, { version: account.version, provider, close: () => http.close() });
      return provider;
    },
    forget(accountId: string) {
      const hit = cache.get(accountId);
      cache.delete(accountId);
      if (hit) retire(hit.close);
    },
    async close() {
      const closes = [...retiring.values(), ...[...cache.values()].map((h) => h.close)];
      for (const timer of retiring.keys()) clearTimeout(timer);
      retiring.clear();
      await Promise.all(closes.map((close) => close()));
      cache.clear();
    },
  };
}

export type ProviderPool = ReturnType<typeof createProviderPool>;
