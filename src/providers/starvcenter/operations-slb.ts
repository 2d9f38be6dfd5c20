/**
 * Load balancers (#67–#73) and their backend nodes (#74–#77). Certificates and private keys
 * are inputs only: no output carries them (A64). The protocol is lower case in searches and
 * upper case in add (D19); each is sent as its operation documents it.
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
import { NODE_FIELDS, NodeInput, OrderBy, Port, slbCall } from './operations-slb-nodes.ts';

const SLB = record({
  id: 'slb.id',
  name: 'slb.name',
  description: 'slb.desc',
  createdAt: 'slb.createtime',
  tenantId: 'slb.appid',
  routerVmId: 'slb.vmid',
  protocol: 'slb.protocal.type',
  networkType: 'slb.network.type',
  frontendIp: 'slb.directip',
  frontendIpExclusive: 'slb.directip.self',
  frontendPort: 'slb.directport',
  backendPort: 'slb.realport',
  enabled: 'slb.enable',
  urlPath: 'slb.http.urlpath',
  certificateUsable: 'slb.https.cert.enable',
  policy: 'slb.policy.type',
  healthRetries: 'slb.health.retrytime',
  healthInterval: 'slb.health.check.interval',
  healthTimeout: 'slb.health.check.timeout',
  idleTimeout: 'slb.health.emptylink.timeout',
  healthPath: 'slb.health.check.path',
  maxConnections: 'slb.maxoccurs',
});
const FrontPort = z.number().int().min(50).max(65535);
const Policy = z.enum(['rr', 'wrr', 'wlc']);
const NetworkType = z.enum(['outter', 'inner']);

/** The tunables add and modify share (#68, #69). */
const Tuning = z.object({
  description: Text.optional(),
  frontendIpExclusive: z.boolean().optional(),
  policy: Policy.optional(),
  healthRetries: z.number().int().min(2).max(10).optional(),
  healthInterval: z.number().int().min(1).max(50).optional(),
  healthTimeout: z.number().int().min(1).max(300).optional(),
  idleTimeout: z.number().int().min(1).max(120).optional(),
  healthPath: Text.optional(),
  maxConnections: z.number().int().min(10).max(10_000).optional(),
});
const TUNING: Fields = {
  description: 'slb.desc',
  frontendIpExclusive: 'slb.directip.self',
  policy: 'slb.policy.type',
  healthRetries: 'slb.health.retrytime',
  healthInterval: 'slb.health.check.interval',
  healthTimeout: 'slb.health.check.timeout',
  idleTimeout: 'slb.health.emptylink.timeout',
  healthPath: 'slb.health.check.path',
  maxConnections: 'slb.maxoccurs',
};

export const slbOperations = [
  define({
    name: 'slbs.search',
    summary: 'Searches load balancers (#67); sortable by createtime or name; no page = every match.',
    input: Paging.extend({
      id: Text.optional(),
      name: Text.optional(),
      tenantId: Text.optional(),
      enabled: z.boolean().optional(),
      protocol: z.enum(['tcp', 'udp', 'http', 'https']).optional(),
      networkType: NetworkType.optional(),
      frontendIp: Text.optional(),
      frontendPort: FrontPort.optional(),
      orderBy: OrderBy.optional(),
    }),
    output: listOutput(SLB.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          ...slbCall('slbs.search', 'POST', 'cloudslb/search', true),
          param: {
            ...toParam(input, {
              id: 'slb.id',
              name: 'slb.name',
              tenantId: 'slb.appid',
              enabled: 'slb.enable',
              protocol: 'slb.protocal.type',
              networkType: 'slb.network.type',
              frontendIp: 'slb.directip',
              frontendPort: 'slb.directport',
              orderBy: 'search.orderby',
            }),
            ...pagingParam(input),
          },
        },
        SLB.read,
      ),
  }),
  define({
    name: 'slbs.add',
    summary:
      'Adds a load balancer on a cloud-router VM with its backend nodes (#68). HTTPS needs the PEM certificate ' +
      'and key, which are sent and never returned.',
    input: Tuning.extend({
      name: Id,
      tenantId: Id,
      protocol: z.enum(['TCP', 'UDP', 'HTTP', 'HTTPS']),
      networkType: NetworkType,
      frontendIp: Id,
      frontendPort: FrontPort,
      backendPort: Port.optional(),
      routerVmId: Id,
      urlPath: Text.optional(),
      certificate: z.string().min(1).optional(),
      privateKey: z.string().min(1).optional(),
      nodes: z.array(NodeInput).max(100).default([]),
    }).refine(
      (i) => i.protocol !== 'HTTPS' || (i.certificate && i.privateKey),
      'HTTPS needs certificate and privateKey',
    ),
    output: z.object({ id: z.string().nullable() }),
    async run(client, input) {
      const e = await client.call({
        ...slbCall('slbs.add', 'POST', 'cloudslb/add', false),
        param: {
          ...toParam(input, {
            ...TUNING,
            name: 'slb.name',
            tenantId: 'slb.appid',
            protocol: 'slb.protocal.type',
            networkType: 'slb.network.type',
            frontendIp: 'slb.directip',
            frontendPort: 'slb.directport',
            backendPort: 'slb.realport',
            routerVmId: 'slb.vmid',
            urlPath: 'slb.http.urlpath',
            certificate: 'slb.https.cert.text',
            privateKey: 'slb.https.cert.key',
          }),
          // L3141: an array of node objects, each with the dotted keys of #75.
          realnode: input.nodes.map((n) => toParam(n, NODE_FIELDS)),
        },
      });
      return { id: idOf(e.data, 'slb.id') };
    },
  }),
  define({
    name: 'slbs.modify',
    summary: 'Changes a load balancer (#69; its id is `slb_<router VM id>`).',
    input: Tuning.extend({
      id: Id,
      name: Text.min(1).optional(),
      frontendIp: Text.optional(),
      frontendPort: FrontPort.optional(),
    }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        ...slbCall('slbs.modify', 'PUT', 'cloudslb/modify', true),
        param: toParam(input, {
          ...TUNING,
          id: 'slb.id',
          name: 'slb.name',
          frontendIp: 'slb.directip',
          frontendPort: 'slb.directport',
        }),
      });
      return accepted();
    },
  }),
  define({
    name: 'slbs.delete',
    summary: 'Deletes a load balancer (#70).',
    input: z.object({ id: Id }),
    output: Accepted,
    async run(client, input) {
      await client.call(slbCall('slbs.delete', 'DELETE', `cloudslb/${enc(input.id)}`, true));
      return accepted();
    },
  }),
  ...(
    [
      ['slbs.enable', 'Enables a load balancer (#71).', 'cloudslb/start'],
      ['slbs.disable', 'Disables a load balancer (#72).', 'cloudslb/stop'],
    ] as const
  ).map(([name, summary, path]) =>
    define({
      name,
      summary,
      input: z.object({ id: Id }),
      output: Accepted,
      async run(client, input) {
        await client.call({ ...slbCall(name, 'POST', path, true), param: { 'slb.id': input.id } });
        return accepted();
      },
    }),
  ),
  define({
    name: 'slbs.configure_cert',
    summary: "Sets a load balancer's HTTPS certificate and private key, both PEM (#73); neither is ever returned.",
    input: z.object({ id: Id, certificate: z.string().min(1), privateKey: z.string().min(1) }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        ...slbCall('slbs.configure_cert', 'PUT', 'cloudslb/https/cert/conf', true),
        param: { 'slb.id': input.id, 'slb.https.cert.text': input.certificate, 'slb.https.cert.key': input.privateKey },
      });
      return accepted();
    },
  }),
];
