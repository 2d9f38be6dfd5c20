/**
 * Start, stop and reboot, single (ops 3, 5, 7) and batch (ops 4, 6, 8): the Nova-style bodies
 * (A48, A51, A63), and the per-server outcome of a batch the platform refuses as a whole
 * because of one of its servers (A51).
 */
import { ProviderError, type BatchOutcome } from '../contract.ts';
import type { InspurClient } from './client.ts';

const MAX_BATCH = 100;
/** Single calls in flight at once while a refused batch is split up. */
const SINGLE_CALLS = 4;

export type PowerAction = 'start' | 'stop' | 'reboot';
export type RebootType = 'SOFT' | 'HARD';

/** The single-server body: the action name is the body's only key. */
export function actionBody(action: PowerAction, rebootType: RebootType): Record<string, unknown> {
  switch (action) {
    case 'start':
      return { 'os-start': {} };
    case 'stop':
      return { 'os-stop': {} };
    case 'reboot':
      return { reboot: { type: rebootType } };
  }
}

/** The batch body (A51): `servers: [{id}]` nested inside the action object, as the examples show. */
export function batchBody(action: PowerAction, ids: readonly string[], rebootType: RebootType) {
  const servers = ids.map((id) => ({ id }));
  switch (action) {
    case 'start':
      return { 'os-start': { servers } };
    case 'stop':
      return { 'os-stop': { servers } };
    case 'reboot':
      return { reboot: { type: rebootType, servers } };
  }
}

/**
 * Codes that name a server of the batch rather than the request (A51): a wrong state, an
 * unknown owner, no billing record, no such server. Matched by the six-digit part (A42).
 */
const SERVER_LEVEL = new Set(['001012', '001013', '001014', '001033']);

export function isServerRefusal(err: unknown): boolean {
  if (!(err instanceof ProviderError) || err.providerCode === undefined) return false;
  const six = /^(?:\d{3}\.)?(\d{6})$/.exec(err.providerCode)?.[1];
  return six !== undefined && SERVER_LEVEL.has(six);
}

/** Maps with at most `limit` calls in flight, keeping the input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

function refusedOutcome(instanceId: string, err: ProviderError): BatchOutcome {
  return {
    instanceId,
    ok: false,
    ...(err.providerCode !== undefined ? { providerCode: err.providerCode } : {}),
    providerMessage: err.providerMessage ?? err.message,
  };
}

export function createPowerActions(client: InspurClient, rebootType: RebootType) {
  // A49: a repeated action is refused (001012), so each is sent once.
  const act = (action: PowerAction, id: string) =>
    client.send({
      method: 'POST',
      path: `/v1/servers/${encodeURIComponent(id)}/action`,
      operation: `instances.${action}`,
      idempotent: false,
      json: actionBody(action, rebootType),
    });

  async function chunk(action: PowerAction, ids: string[]): Promise<BatchOutcome[]> {
    try {
      await client.send({
        method: 'POST',
        path: '/v1/servers/action',
        operation: 'instances.batch_action',
        idempotent: false,
        json: batchBody(action, ids, rebootType),
      });
      return ids.map((instanceId) => ({ instanceId, ok: true }));
    } catch (err) {
      if (!isServerRefusal(err)) throw err;
    }
    // The platform acted on none of them; one call each tells which server it refused.
    return mapLimited(ids, SINGLE_CALLS, async (instanceId) => {
      try {
        await act(action, instanceId);
        return { instanceId, ok: true };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        return refusedOutcome(instanceId, err);
      }
    });
  }

  async function batch(action: PowerAction, ids: readonly string[]): Promise<BatchOutcome[]> {
    const unique = [...new Set(ids)];
    const outcomes: BatchOutcome[] = [];
    for (let i = 0; i < unique.length; i += MAX_BATCH) {
      const part = unique.slice(i, i + MAX_BATCH);
      try {
        outcomes.push(...(await chunk(action, part)));
      } catch (err) {
        // Nothing acted yet: the whole call failed, say so. A later chunk keeps earlier outcomes.
        if (outcomes.length === 0 || !(err instanceof ProviderError)) throw err;
        outcomes.push(...part.map((id) => refusedOutcome(id, err)));
      }
    }
    return outcomes;
  }

  return { act, batch };
}
