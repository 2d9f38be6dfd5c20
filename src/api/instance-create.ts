/**
 * One machine made outside a task (POST /v1/instances), as safe as a task's create:
 * - refused before any platform call when the platform's create could not work (checkCreate);
 * - named with a marker, recorded with the request's Idempotency-Key BEFORE the create is sent;
 * - a lost answer (timeout, reset, 5xx, unreadable body) is reconciled by that marker before the
 *   client is answered, and a retry under the same key reconciles again instead of creating, so
 *   no retry makes a second machine;
 * - a create that cannot be reconciled yet answers a problem saying the platform may have acted
 *   (`mayHaveActed: true`) and that the same Idempotency-Key is the safe retry.
 * The machine carries its template's tag, so a later sync joins it to the template even when
 * no answer ever reached us.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { ApiError, notFound } from '../domain/errors.ts';
import type { Instance, ProviderInstance, Tags } from '../domain/instance.ts';
import type { MachineSpec } from '../domain/machine-spec.ts';
import { TEMPLATE_TAG } from '../domain/tags.ts';
import type { SecretBox } from '../db/secret-box.ts';
import { openSpec, templateNamePrefix } from '../db/template-spec.ts';
import type { AccountProviders } from '../inventory/account-providers.ts';
import { placeholderInstance, toInstanceView, type InstanceRecords } from '../inventory/instance-records.ts';
import { placeCreateProblems, ProviderError, UnsupportedOperationError } from '../providers/contract.ts';
import type { Provider } from '../providers/registry.ts';
import type { IdempotencyHandle } from '../server/idempotency.ts';
import { singleCreateMarker } from '../tasks/markers.ts';
import { validationFailed } from './validation.ts';

export type CreateInstanceInput =
  { templateId: string; name?: string } | { accountId: string; spec: MachineSpec; name?: string };

/** What is recorded with the Idempotency-Key before the create goes out. */
const CreateProgress = z.object({
  marker: z.string().min(1),
  accountId: z.uuid(),
  sentAt: z.iso.datetime(),
});
type CreateProgress = z.infer<typeof CreateProgress>;

/** Pages read when looking for a marker: a bound, not an expectation (lists filter by name). */
const MAX_MARKER_PAGES = 50;

/** A create whose answer was lost: maybe made. */
function mayHaveActed(err: unknown): err is ProviderError {
  return err instanceof ProviderError && err.kind !== 'rate_limited' && (err.retryable || err.kind === 'malformed');
}

export function createSingleCreate(deps: {
  prisma: PrismaClient;
  providers: AccountProviders;
  records: InstanceRecords;
  box: SecretBox;
}) {
  const { prisma, records } = deps;

  async function target(input: CreateInstanceInput) {
    if ('templateId' in input) {
      const template = await prisma.template.findFirst({ where: { id: input.templateId, deletedAt: null } });
      if (!template) throw notFound('template', input.templateId);
      return {
        accountId: template.accountId,
        spec: openSpec(template.spec, deps.box),
        templateId: template.id as string | null,
        prefix: templateNamePrefix(template),
      };
    }
    return { accountId: input.accountId, spec: input.spec, templateId: null, prefix: 'cp' };
  }

  /** Whether this platform's machines keep the name a create gives them, so a marker can be looked for. */
  const findable = (provider: Provider) =>
    (provider.definition.scaling === 'per_machine' || provider.definition.scaling === 'per_machine_job') &&
    provider.supports('instances.list');

  /**
   * The machine carrying this marker that was not there before the create was sent (a record seen
   * earlier with the same name is someone else's machine), or null when none is listed.
   */
  async function findByMarker(provider: Provider, accountId: string, progress: CreateProgress) {
    if (!findable(provider)) return null;
    const named: ProviderInstance[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_MARKER_PAGES; page++) {
      const got = await provider.listInstances({ name: progress.marker, pageToken });
      named.push(...got.items.filter((m) => m.name === progress.marker && m.status !== 'deleted'));
      pageToken = got.nextPageToken ?? undefined;
      if (!pageToken) break;
    }
    if (named.length === 0) return null;
    const older = await prisma.instance.findMany({
      where: {
        accountId,
        providerId: { in: named.map((m) => m.providerId) },
        firstSeenAt: { lt: new Date(progress.sentAt) },
      },
      select: { providerId: true },
    });
    const before = new Set(older.map((o) => o.providerId));
    return named.find((m) => !before.has(m.providerId)) ?? null;
  }

  async function record(provider: Provider, accountId: string, seen: ProviderInstance, templateId: string | null) {
    const [row] = await records.upsert(accountId, [seen], { templateId });
    return toInstanceView(row!, provider.kind);
  }

  /** The answer when the machine may exist but cannot be found (yet): never "try again" without the key. */
  function maybeMade(
    provider: Provider,
    progress: CreateProgress,
    keyed: boolean,
    cause: ProviderError | null,
    retryAfterMs?: number,
  ) {
    const how = keyed
      ? 'retry with the same Idempotency-Key: the retry looks for the machine by its name before it creates anything'
      : `a retry without an Idempotency-Key could make a second machine; look for a machine named ${progress.marker} first`;
    const what = cause
      ? `the create's answer was lost (${cause.kind}${cause.providerMessage ? `: ${cause.providerMessage}` : ''}), so the platform may have made the machine ${progress.marker}`
      : `the machine ${progress.marker} may have been made and is not listed yet`;
    const headers: Record<string, string> = {};
    if (retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    return new ApiError(
      cause?.kind === 'timeout' ? 'provider-timeout' : 'provider-failed',
      `${what}; ${how}`,
      {
        provider: provider.kind,
        operation: 'instances.create',
        providerCode: cause?.providerCode ?? null,
        providerMessage: cause?.providerMessage ?? null,
        mayHaveActed: true,
        // A fresh request is not safe; the same Idempotency-Key is.
        retryable: false,
        retryWithSameIdempotencyKey: keyed,
        marker: progress.marker,
      },
      { headers, cause },
    );
  }

  return async function create(input: CreateInstanceInput, idempotency: IdempotencyHandle | null): Promise<Instance> {
    const { accountId, spec, templateId, prefix } = await target(input);
    const { provider } = await deps.providers.resolve(accountId);
    if (!provider.supports('instances.create')) throw new UnsupportedOperationError(provider.kind, 'instances.create');
    const problems = provider.checkCreate(spec);
    if (problems.length)
      throw validationFailed(
        placeCreateProblems(problems, {
          in: 'body',
          roots: templateId ? [] : ['/spec'],
          spec: templateId ? 'template' : 'body',
          account: 'account',
        }),
      );

    const tags: Tags = { ...spec.tags, ...(templateId ? { [TEMPLATE_TAG]: templateId } : {}) };
    const prior = CreateProgress.safeParse(idempotency?.prior);
    const lagMs = provider.definition.listLagMs;
    if (prior.success && prior.data.accountId === accountId) {
      // An earlier attempt under this key sent a create and never answered it: look before sending.
      const found = await findByMarker(provider, accountId, prior.data);
      if (found) return record(provider, accountId, found, templateId);
      const since = Date.now() - Date.parse(prior.data.sentAt);
      if (!findable(provider) || since < lagMs)
        throw maybeMade(provider, prior.data, true, null, findable(provider) ? lagMs - since : undefined);
      // Not listed after the platform's list lag: that create never took effect. Send it again, same name.
    }
    const marker = prior.success
      ? prior.data.marker
      : (input.name ?? singleCreateMarker(prefix, randomBytes(4).toString('hex'), provider.definition.maxNameLength));
    const progress: CreateProgress = { marker, accountId, sentAt: new Date().toISOString() };
    await idempotency?.remember(progress);

    let accepted;
    try {
      accepted = await provider.createInstance({ spec, name: marker, tags });
    } catch (err) {
      if (!mayHaveActed(err)) throw err;
      // Reconciled before the client is answered: a platform that acted at once is listed at once.
      const found = await findByMarker(provider, accountId, progress).catch(() => null);
      if (found) return record(provider, accountId, found, templateId);
      throw maybeMade(provider, progress, idempotency !== null, err);
    }
    const providerId = accepted.instanceId ?? `job:${accepted.jobId}`;
    const seen =
      (accepted.instanceId && provider.supports('instances.get')
        ? await provider.getInstance(accepted.instanceId).catch(() => null)
        : null) ?? placeholderInstance(providerId, marker, spec, tags);
    return record(provider, accountId, seen, templateId);
  };
}
