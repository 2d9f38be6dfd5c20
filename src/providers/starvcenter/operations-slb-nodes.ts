/**
 * Load-balancer backend nodes (#74–#77), and the node shape load-balancer add (#68) shares.
 * The node search cannot filter by load balancer (D31).
 */
import { z } from 'zod';
import {
  Accepted,
  Id,
  Paging,
  Text,
  accepted,
  define,
  enc,
  idOf,
  listOutput,
  pagingParam,
  record,
  searchRecords,
  toParam,
  type Fields,
} from './operation-kit.ts';

const NODE = record({
  id: 'realnode.id',
  name: 'realnode.name',
  description: 'realnode.desc',
  createdAt: 'realnode.createtime',
  slbId: 'realnode.slbid',
  enabled: 'realnode.enable',
  ip: 'realnode.ip',
  port: 'realnode.port',
  vmId: 'realnode.vmid',
  weight: 'realnode.weight',
});

export const Port = z.number().int().min(1).max(65535);
export const OrderBy = z.enum(['createtime', 'name']);
const Weight = z.number().int().min(1).max(10);

export const NodeInput = z.object({
  name: Text.optional(),
  description: Text.optional(),
  ip: Id,
  port: Port,
  vmId: Id,
  weight: Weight.optional(),
});
export const NODE_FIELDS: Fields = {
  name: 'realnode.name',
  description: 'realnode.desc',
  slbId: 'realnode.slbid',
  ip: 'realnode.ip',
  port: 'realnode.port',
  vmId: 'realnode.vmid',
  weight: 'realnode.weight',
};

export const slbCall = (name: string, method: 'POST' | 'PUT' | 'DELETE', path: string, idempotent: boolean) => ({
  method,
  path,
  operation: `operations.${name}`,
  idempotent,
});

export const slbNodeOperations = [
  define({
    name: 'slb_nodes.search',
    summary: 'Searches backend nodes (#74; the platform cannot filter by load balancer, D31).',
    input: Paging.extend({
      id: Text.optional(),
      name: Text.optional(),
      ip: Text.optional(),
      port: Port.optional(),
      orderBy: OrderBy.optional(),
    }),
    output: listOutput(NODE.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          ...slbCall('slb_nodes.search', 'POST', 'cloudslb/realnode/search', true),
          param: {
            ...toParam(input, {
              id: 'realnode.id',
              name: 'realnode.name',
              ip: 'realnode.ip',
              port: 'realnode.port',
              orderBy: 'search.orderby',
            }),
            ...pagingParam(input),
          },
        },
        NODE.read,
      ),
  }),
  define({
    name: 'slb_nodes.add',
    summary: 'Adds a backend node to a load balancer (#75).',
    input: NodeInput.extend({ slbId: Id }),
    output: z.object({ id: z.string().nullable() }),
    async run(client, input) {
      const e = await client.call({
        ...slbCall('slb_nodes.add', 'POST', 'cloudslb/realnode/add', false),
        param: toParam(input, NODE_FIELDS),
      });
      return { id: idOf(e.data, 'realnode.id') };
    },
  }),
  define({
    name: 'slb_nodes.modify',
    summary: "Changes a backend node's port or weight (#76).",
    input: z.object({ id: Id, port: Port.optional(), weight: Weight.optional() }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        ...slbCall('slb_nodes.modify', 'PUT', 'cloudslb/realnode/modify', true),
        param: toParam(input, { id: 'realnode.id', port: 'realnode.port', weight: 'realnode.weight' }),
      });
      return accepted();
    },
  }),
  define({
    name: 'slb_nodes.delete',
    summary: 'Deletes a backend node (#77).',
    input: z.object({ id: Id }),
    output: Accepted,
    async run(client, input) {
      await client.call(slbCall('slb_nodes.delete', 'DELETE', `cloudslb/realnode/${enc(input.id)}`, true));
      return accepted();
    },
  }),
];
