/**
 * The VM type/model dictionary (#18, #20, #21) and tenant creation (#1). Model codes are the
 * image ids of the unified catalog without their `model:` prefix (A53).
 */
import { z } from 'zod';
import { Accepted, Id, NullableId, Text, accepted, define, enc, idOf, text, toParam } from './operation-kit.ts';

const MODEL_GROUP = z.object({
  type: z.string().nullable(),
  typeName: z.string().nullable(),
  models: z.array(z.object({ code: z.string().nullable(), name: z.string().nullable() })),
});

// models.list comes first: a harmless read that takes no input.
export const modelOperations = [
  define({
    name: 'models.list',
    summary:
      'Lists the VM types and their models (#18, GET cloudvm/model); model codes are image ids without `model:`.',
    input: z.object({}),
    output: z.object({ types: z.array(MODEL_GROUP) }),
    async run(client) {
      const e = await client.call({
        method: 'GET',
        path: 'cloudvm/model',
        operation: 'operations.models.list',
        idempotent: true,
      });
      const groups = Array.isArray(e.data) ? (e.data as Record<string, unknown>[]) : [];
      return {
        types: groups.map((g) => ({
          type: text(g['vm.tenant.type']),
          typeName: text(g['vm.tenant.typename']),
          models: (Array.isArray(g.model) ? (g.model as Record<string, unknown>[]) : []).map((m) => ({
            code: text(m['vm.tenant.mode'] ?? m['vm.tenant.model']),
            name: text(m['vm.tenant.modelname']),
          })),
        })),
      };
    },
  }),
  define({
    name: 'models.add',
    summary:
      'Adds a VM type (type `tenant_type`) or a model (type = the value of its VM type, e.g. `tenant_app_model`) ' +
      'to the dictionary (#20).',
    input: z.object({ type: Id, label: Id, value: Id, description: Text.optional() }),
    output: NullableId,
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudvm/addVhostModelAndType',
        operation: 'operations.models.add',
        idempotent: false,
        param: toParam(input, { type: 'type', label: 'label', value: 'value', description: 'description' }),
      });
      return { id: idOf(e.data, 'id') };
    },
  }),
  define({
    name: 'models.delete',
    summary: 'Deletes a dictionary entry by the id models.add returned (#21).',
    input: z.object({ id: Id }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'DELETE',
        path: `cloudvm/delVhostModelAndType/${enc(input.id)}`,
        operation: 'operations.models.delete',
        idempotent: true,
      });
      return accepted();
    },
  }),
  define({
    name: 'tenants.create',
    summary: 'Creates a tenant with its quotas (#1); the answer carries no token (tokens are issued out of band).',
    input: z.object({
      name: Id,
      cpuQuota: z.number().int().min(0).optional(),
      memoryQuotaMiB: z.number().int().min(0).optional(),
      storageQuotaGiB: z.number().int().min(0).optional(),
      subnetQuota: z.number().int().min(0).optional(),
      externalIpQuota: z.number().int().min(0).optional(),
      description: Text.optional(),
    }),
    output: NullableId,
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudTenant/create',
        operation: 'operations.tenants.create',
        idempotent: false,
        param: toParam(input, {
          name: 'app.name',
          cpuQuota: 'app.cpu.quota',
          memoryQuotaMiB: 'app.memory.quota',
          storageQuotaGiB: 'app.storage.quota',
          subnetQuota: 'app.portgroup.quota',
          externalIpQuota: 'app.outerip.quota',
          description: 'app.desc',
        }),
      });
      return { id: idOf(e.data, 'app.id') };
    },
  }),
];
