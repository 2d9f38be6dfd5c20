/**
 * The broker's documented operations beyond the unified model (DESIGN "Provider operations"),
 * each with a zod input and output, run through the same client (envelope, return codes,
 * correlation ids, validation). Outputs are camelCase; the broker's field names stay in this
 * folder. With the unified methods they reach all 32 operations of the document
 * (`REACHABLE`).
 */
import { ProviderError, type ProviderAdapter } from '../contract.ts';
import { PROVIDER } from './client.ts';
import type { LegacyContext } from './context.ts';
import type { LegacyOperation } from './operation-kit.ts';
import { readOperations } from './operations-read.ts';
import { writeOperations } from './operations-write.ts';

export type { LegacyOperation } from './operation-kit.ts';

export const legacyOperations: readonly LegacyOperation[] = [...readOperations, ...writeOperations];

/** Every operation of the document (catalog §3) and what reaches it: a unified method or an operation. */
export const REACHABLE: Readonly<Record<number, `${'method' | 'operation'}:${string}`>> = {
  ...Object.fromEntries(legacyOperations.map((o) => [o.op, `operation:${o.name}` as const])),
  3: 'method:createGroup',
  4: 'method:deleteGroup',
  5: 'method:expandGroup',
  8: 'method:createInstance',
  9: 'method:getInstance',
  10: 'method:startInstance',
  13: 'method:deleteInstance',
  17: 'method:listRegions',
  18: 'method:listZones',
  19: 'method:listVpcs',
  20: 'method:listSubnets',
  21: 'method:listInstanceTypes',
  24: 'method:listImages',
  25: 'method:listSecurityGroups',
  26: 'method:listInstances',
  27: 'method:listGroupMembers',
} satisfies Partial<Record<number, `method:${keyof ProviderAdapter & string}` | `operation:${string}`>>;

/** Validates the input, runs the operation and validates what it returns. */
export async function runLegacyOperation(ctx: LegacyContext, name: string, input: unknown): Promise<unknown> {
  const op = legacyOperations.find((o) => o.name === name);
  if (!op) throw new ProviderError(PROVIDER, 'operations.run', 'invalid', undefined, `no operation ${name}`);
  const parsed: unknown = op.input.parse(input);
  return op.output.parse(await (op.run as (c: LegacyContext, i: unknown) => Promise<unknown>)(ctx, parsed));
}
