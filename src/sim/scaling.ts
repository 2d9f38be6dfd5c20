/**
 * Native group scaling for platforms that scale a cluster themselves (BridgX expand/shrink
 * tasks, the legacy cluster API's expand): an expand creates N instances tagged with the group
 * and a job that finishes when none of them is still creating; a shrink starts deletes and a
 * job that finishes when they are gone.
 */
import type { SimEngine } from './engine.ts';
import type { SimJob } from './jobs.ts';
import type { SimInstance } from './instance-store.ts';

export const GROUP_TAG = 'sim:group';

export interface ExpandInput {
  tenant: string;
  group: string;
  count: number;
  /** Instance name for item n (0-based). */
  nameOf: (n: number) => string;
  attrs?: Record<string, unknown>;
  /** Instance id for item n (default: a generated UUID), for platforms with their own id shape. */
  idOf?: (n: number) => string;
  /** Platform attributes for item n, merged over `attrs`. */
  attrsOf?: (n: number) => Record<string, unknown>;
  /** Forced outcome of item n (a partly failing expand); undefined leaves it to the configured error rate. */
  outcomeOf?: (n: number) => 'running' | 'error' | undefined;
  /** When the platform started the expand (default now; see `CreateInstanceInput.at`). */
  at?: number;
}

export interface ShrinkInput {
  tenant: string;
  group: string;
  /** Explicit victims; otherwise the newest `count` members. */
  ids?: string[];
  count?: number;
  /** When the platform started the shrink (default now). */
  at?: number;
}

export function groupMembers(engine: SimEngine, tenant: string, group: string): SimInstance[] {
  return engine.instances.all(tenant).filter((i) => i.tags[GROUP_TAG] === group);
}

export function expandGroup(engine: SimEngine, input: ExpandInput): SimJob {
  const ids: string[] = [];
  for (let n = 0; n < input.count; n++) {
    const attrs = input.attrsOf ? { ...input.attrs, ...input.attrsOf(n) } : input.attrs;
    const outcome = input.outcomeOf?.(n);
    const inst = engine.instances.create({
      tenant: input.tenant,
      name: input.nameOf(n),
      tags: { [GROUP_TAG]: input.group },
      ...(attrs ? { attrs } : {}),
      ...(input.idOf ? { id: input.idOf(n) } : {}),
      ...(outcome ? { outcome } : {}),
      ...(input.at !== undefined ? { at: input.at } : {}),
    });
    ids.push(inst.id);
  }
  return engine.jobs.create({
    tenant: input.tenant,
    kind: 'group.expand',
    attrs: { group: input.group, instanceIds: ids },
    resolve: () => {
      const states = ids.map((id) => engine.instances.get(input.tenant, id, { includeLagging: true })?.state);
      if (states.some((s) => s === 'creating')) return null;
      const failed = ids.filter((_, i) => states[i] !== 'running');
      const result = { instanceIds: ids, failed };
      return failed.length === 0
        ? { ok: true, result }
        : {
            ok: false,
            error: { code: 'partial_failure', message: `${failed.length} of ${ids.length} failed` },
            result,
          };
    },
  });
}

export function shrinkGroup(engine: SimEngine, input: ShrinkInput): SimJob {
  const members = groupMembers(engine, input.tenant, input.group);
  const count = input.count ?? 0;
  const victims = input.ids ?? (count > 0 ? members.slice(-count).map((i) => i.id) : []);
  for (const id of victims)
    engine.instances.act(input.tenant, id, 'delete', input.at !== undefined ? { at: input.at } : {});
  return engine.jobs.create({
    tenant: input.tenant,
    kind: 'group.shrink',
    attrs: { group: input.group, instanceIds: victims },
    resolve: () =>
      victims.every((id) => !engine.instances.get(input.tenant, id, { includeLagging: true }))
        ? { ok: true, result: { instanceIds: victims } }
        : null,
  });
}
