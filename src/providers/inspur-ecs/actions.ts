/**
 * The Nova-style action bodies of ops 3–8 (A48, A51, A63) and the rule that tells a batch
 * refused for one of its servers from one refused as a whole. Pure, apart from mapLimited.
 */
import { ProviderError } from '../contract.ts';

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
