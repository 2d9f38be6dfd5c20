/**
 * Writing machines into the simulated broker outside an expand (op 8 create, op 30 upload,
 * op 31 registration, the seeded physical machine): a fresh id in the backend's spelling, the
 * engine record with its template group, the count ledger and a log line.
 */
import { GROUP_TAG, type NeutralState, type SimInstance } from '../../sim/index.ts';
import { type LegacyContext, TENANT } from './simulator-context.ts';
import { instanceIdFor } from './simulator-ids.ts';
import type { MachineAttrs } from './simulator-model.ts';
import type { BackendSeed } from './simulator-seed.ts';

/** An id no machine of this broker ever had (live, deleting, or only remembered by its logs). */
export function freshInstanceId(ctx: LegacyContext, style: BackendSeed['idStyle']): string {
  const rnd = ctx.engine.random('ids');
  for (;;) {
    const id = instanceIdFor(style, rnd);
    if (!ctx.engine.instances.get(null, id, { includeLagging: true }) && !ctx.state.logs.knows(id)) return id;
  }
}

export interface RecordMachine {
  id: string;
  attrs: MachineAttrs;
  /** Seeded straight into a state (registered and uploaded machines are already running). */
  initialState?: NeutralState;
  correlationId: string;
  message: string;
}

export function recordMachine(ctx: LegacyContext, input: RecordMachine): SimInstance {
  const { engine } = ctx;
  const inst = engine.instances.create({
    tenant: TENANT,
    id: input.id,
    name: `m${input.attrs.Id}`,
    // A24: a machine of no template is in group 0, the zero-value template it nests.
    tags: { [GROUP_TAG]: String(input.attrs.clusterId) },
    attrs: { ...input.attrs },
    ...(input.initialState ? { initialState: input.initialState } : {}),
  });
  ctx.state.ledger.open(inst.id, input.attrs.Provider, inst.createdAt);
  ctx.state.logs.write({
    CorrelationId: input.correlationId,
    InstanceId: inst.id,
    Level: 'info',
    Message: input.message,
    at: inst.createdAt,
  });
  return inst;
}

/** The correlation id a call carries where it is optional ('' when absent). */
export function optionalCorrelationId(headers: Record<string, string | string[] | undefined>): string {
  const raw = headers['x-correlation-id'];
  return ((Array.isArray(raw) ? raw[0] : raw) ?? '').trim().slice(0, 255);
}
