/**
 * The VM type/model dictionary: #18 `GET cloudvm/model`, #20 add an entry, #21 delete one.
 * A27: one dictionary for the whole platform. A type is an entry of dictionary type
 * `tenant_type`; a model is an entry whose dictionary type is its VM type's `value`.
 */
import { z } from 'zod';
import type { SvcContext } from './simulator-context.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { f, refuse } from './simulator-wire.ts';

const TYPE = 'tenant_type';

function catalog(ctx: SvcContext) {
  const entries = ctx.store.dict.list(null);
  return entries
    .filter((e) => e.attrs.type === TYPE)
    .map((t) => ({
      'vm.tenant.type': t.attrs.value,
      'vm.tenant.typename': t.attrs.label,
      // D11: the model code's key is `vm.tenant.mode` (no "l") both times the document shows it.
      model: entries
        .filter((m) => m.attrs.type === t.attrs.value)
        .map((m) => ({ 'vm.tenant.mode': m.attrs.value, 'vm.tenant.modelname': m.attrs.label })),
    }));
}

const AddEntry = z.object({
  type: f.reqName(128),
  label: f.reqName(128),
  value: f.reqName(128),
  description: f.name(256),
});

export const MODEL_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudvm.model',
    method: 'GET',
    path: 'cloudvm/model',
    handle: (ctx) => ({ data: catalog(ctx) }),
  }),
  defineOp({
    op: 'cloudvm.addVhostModelAndType',
    method: 'POST',
    path: 'cloudvm/addVhostModelAndType',
    input: AddEntry,
    handle(ctx, { input: p }) {
      const entries = ctx.store.dict.list(null);
      if (p.type !== TYPE && !entries.some((e) => e.attrs.type === TYPE && e.attrs.value === p.type))
        refuse(`Dictionary type ${p.type} is neither ${TYPE} nor the value of a VM type`);
      if (entries.some((e) => e.attrs.type === p.type && e.attrs.value === p.value))
        refuse(`Dictionary entry ${p.value} already exists in ${p.type}`);
      // Model codes are what a create names, so one code belongs to one type only.
      if (p.type !== TYPE && entries.some((e) => e.attrs.type !== TYPE && e.attrs.value === p.value))
        refuse(`VM model ${p.value} already exists`);
      const rec = ctx.store.dict.add(
        null,
        p.label,
        { type: p.type, label: p.label, value: p.value, description: p.description ?? '' },
        ctx.newId(),
      );
      return { data: [{ id: rec.id }] };
    },
  }),
  defineOp({
    op: 'cloudvm.delVhostModelAndType',
    method: 'DELETE',
    path: 'cloudvm/delVhostModelAndType/{id}',
    handle(ctx, { params }) {
      const entry = ctx.store.dict.get(params.id ?? '', null) ?? refuse(`Dictionary entry ${params.id} does not exist`);
      if (entry.attrs.type === TYPE && ctx.store.dict.list(null).some((e) => e.attrs.type === entry.attrs.value))
        refuse(`VM type ${entry.attrs.value} still has models`);
      ctx.store.dict.remove(entry.id);
      return { data: {} };
    },
  }),
];
