/**
 * Backups (#41–#45) and snapshots (#46–#50): the same five operations with their own prefix.
 * Create and restore are the document's marked async operations. A29: while a create runs the
 * record shows `enable: "false"` and the VM holds lock 3 (backup) or 5 (snapshot); a restore
 * holds 4 or 6; a failed create leaves no record. Path shape note (D36): `GET …/{vmId}` lists a
 * VM's records while `DELETE …/{backupId}` deletes one record.
 */
import { z } from 'zod';
import type { Rec, SvcContext } from './simulator-context.ts';
import { vmOf } from './simulator-context.ts';
import type { BackupAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { LOCK } from './simulator-status.ts';
import { assertOperable, assertState } from './simulator-vm-common.ts';
import { bool, f, refuse, wireTime } from './simulator-wire.ts';

type Kind = 'backup' | 'snapshot';

const LOCKS: Record<Kind, { create: number; restore: number }> = {
  backup: { create: LOCK.creatingBackup, restore: LOCK.restoringBackup },
  snapshot: { create: LOCK.creatingSnapshot, restore: LOCK.restoringSnapshot },
};

function render(kind: Kind, r: Rec<BackupAttrs>): Record<string, string> {
  return {
    [`${kind}.id`]: r.id,
    [`${kind}.name`]: r.name,
    [`${kind}.desc`]: r.attrs.desc,
    [`${kind}.vmid`]: r.attrs.vmId,
    [`${kind}.createtime`]: wireTime(r.createdAt),
    [`${kind}.enable`]: bool(r.attrs.enable),
  };
}

function lockVm(ctx: SvcContext, vmId: string, lock: number): void {
  ctx.engine.instances.update(vmId, { attrs: { lock } });
}

function opsFor(kind: Kind): AnyOp[] {
  const store = (ctx: SvcContext) => ctx.store[kind];
  const recordOf = (ctx: SvcContext, tenant: string, id: string): Rec<BackupAttrs> => {
    const r = store(ctx).get(id, tenant);
    if (!r || r.tenant !== tenant) return refuse(`The ${kind} ${id} does not exist`);
    return r;
  };
  const Id = z.object({ [`${kind}.id`]: f.reqText() });
  const idOf = (p: Record<string, unknown>) => String(p[`${kind}.id`]);
  const busyVm = (ctx: SvcContext, tenant: string, vmId: string) => {
    const inst = vmOf(ctx, tenant, vmId);
    assertOperable(inst);
    assertState(inst, ['0', '1'], `work on a ${kind} of`);
    return inst;
  };

  return [
    defineOp({
      op: `cloudvm.${kind}.list`,
      method: 'GET',
      path: `cloudvm/${kind}/{vmId}`,
      handle(ctx, { params, tenant }) {
        const inst = vmOf(ctx, tenant, params.vmId);
        return {
          data: store(ctx)
            .list(tenant)
            .filter((r) => r.attrs.vmId === inst.id)
            .map((r) => render(kind, r)),
        };
      },
    }),
    defineOp({
      op: `cloudvm.${kind}.create`,
      method: 'POST',
      path: `cloudvm/${kind}/create`,
      async: true,
      input: z.object({
        [`${kind}.vmid`]: f.reqText(),
        [`${kind}.name`]: f.reqName(128),
        [`${kind}.desc`]: f.name(256),
      }),
      handle(ctx, { input: p, tenant }) {
        const inst = busyVm(ctx, tenant, String(p[`${kind}.vmid`]));
        const desc = p[`${kind}.desc`];
        const rec = store(ctx).add(
          tenant,
          String(p[`${kind}.name`]),
          { vmId: inst.id, desc: typeof desc === 'string' ? desc : '', enable: false },
          ctx.newId(),
        );
        lockVm(ctx, inst.id, LOCKS[kind].create);
        const op = `cloudvm.${kind}.create`;
        const startid = ctx.jobs.start({
          tenant,
          op,
          plan: ctx.jobs.plan(op),
          vmId: inst.id,
          delayMs: ctx.engine.config().delays.jobMs,
          onDone: () => {
            rec.attrs.enable = true;
            lockVm(ctx, inst.id, LOCK.none);
          },
          onFail: () => {
            store(ctx).remove(rec.id);
            lockVm(ctx, inst.id, LOCK.none);
          },
        });
        return { data: { [`${kind}.id`]: rec.id }, startid };
      },
    }),
    defineOp({
      op: `cloudvm.${kind}.delete`,
      method: 'DELETE',
      path: `cloudvm/${kind}/{${kind}Id}`,
      handle(ctx, { params, tenant }) {
        const rec = recordOf(ctx, tenant, params[`${kind}Id`] ?? '');
        if (!rec.attrs.enable) refuse(`The ${kind} ${rec.id} is still being created`);
        const inst = ctx.engine.instances.get(tenant, rec.attrs.vmId);
        if (inst && inst.attrs.lock === LOCKS[kind].restore) refuse(`VM ${inst.id} is restoring a ${kind}`);
        store(ctx).remove(rec.id);
        return { data: '' };
      },
    }),
    defineOp({
      op: `cloudvm.${kind}.restore`,
      method: 'PUT',
      path: `cloudvm/${kind}/restore`,
      async: true,
      input: Id,
      handle(ctx, { input: p, tenant }) {
        const rec = recordOf(ctx, tenant, idOf(p));
        if (!rec.attrs.enable) refuse(`The ${kind} ${rec.id} is not usable yet`);
        const inst = busyVm(ctx, tenant, rec.attrs.vmId);
        lockVm(ctx, inst.id, LOCKS[kind].restore);
        const op = `cloudvm.${kind}.restore`;
        const unlock = () => lockVm(ctx, inst.id, LOCK.none);
        const startid = ctx.jobs.start({
          tenant,
          op,
          plan: ctx.jobs.plan(op),
          vmId: inst.id,
          delayMs: ctx.engine.config().delays.jobMs,
          onDone: unlock,
          onFail: unlock,
        });
        return { startid };
      },
    }),
    defineOp({
      op: `cloudvm.${kind}.modify`,
      method: 'PUT',
      path: `cloudvm/${kind}/modify`,
      input: z.object({ [`${kind}.id`]: f.reqText(), [`${kind}.desc`]: f.name(256) }),
      handle(ctx, { input: p, tenant }) {
        const rec = recordOf(ctx, tenant, idOf(p));
        const desc = p[`${kind}.desc`];
        if (typeof desc === 'string') rec.attrs.desc = desc;
        return { data: '' };
      },
    }),
  ];
}

export const BACKUP_OPS: readonly AnyOp[] = [...opsFor('backup'), ...opsFor('snapshot')];
