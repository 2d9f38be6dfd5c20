/**
 * /v1/vpcs, /v1/subnets, /v1/security-groups: networks live on the
 * platform (not in Postgres), so each call names its account. One route
 * set serves all three; a platform without an operation answers 501.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../domain/errors.ts';
import { CreateSecurityGroup, CreateSubnet, CreateVpc, SecurityGroup, Subnet, Vpc } from '../domain/network.ts';
import type { AccountProviders } from '../inventory/account-providers.ts';
import type { Provider } from '../providers/registry.ts';
import type { OperationContract } from '../server/openapi-contract.ts';

interface NetworkResource<T extends z.ZodType, C extends z.ZodType> {
  path: string;
  what: string;
  /** The resource in operation ids: list<Plural>, get<Name>, create<Name>, delete<Name>. */
  name: string;
  item: T;
  create: C;
  list(p: Provider, filter: { vpcId?: string }): Promise<unknown[]>;
  get(p: Provider, id: string): Promise<unknown>;
  add(p: Provider, input: z.infer<C>): Promise<unknown>;
  remove(p: Provider, id: string): Promise<void>;
}

const RESOURCES = [
  {
    path: 'vpcs',
    what: 'VPC',
    name: 'Vpc',
    item: Vpc,
    create: CreateVpc,
    list: (p) => p.listVpcs(),
    get: (p, id) => p.getVpc(id),
    add: (p, input) => p.createVpc(input),
    remove: (p, id) => p.deleteVpc(id),
  } satisfies NetworkResource<typeof Vpc, typeof CreateVpc>,
  {
    path: 'subnets',
    what: 'subnet',
    name: 'Subnet',
    item: Subnet,
    create: CreateSubnet,
    list: (p, f) => p.listSubnets(f),
    get: (p, id) => p.getSubnet(id),
    add: (p, input) => p.createSubnet(input),
    remove: (p, id) => p.deleteSubnet(id),
  } satisfies NetworkResource<typeof Subnet, typeof CreateSubnet>,
  {
    path: 'security-groups',
    what: 'security group',
    name: 'SecurityGroup',
    item: SecurityGroup,
    create: CreateSecurityGroup,
    list: (p, f) => p.listSecurityGroups(f),
    get: (p, id) => p.getSecurityGroup(id),
    add: (p, input) => p.createSecurityGroup(input),
    remove: (p, id) => p.deleteSecurityGroup(id),
  } satisfies NetworkResource<typeof SecurityGroup, typeof CreateSecurityGroup>,
] as const;

/** Every network call names an account (404 when it does not exist) and goes to its platform. */
const PLATFORM_READ: OperationContract = { problems: ['not-found'], platform: true };
const AccountQuery = z.object({ account: z.uuid().describe('The account whose platform holds the network') });
const IdParams = z.object({ id: z.string().min(1).max(256) });

export const networkRoutes: FastifyPluginAsyncZod<{ providers: AccountProviders }> = async (app, { providers }) => {
  const tags = ['networks'];
  for (const r of RESOURCES) {
    const res = r as unknown as NetworkResource<z.ZodType, z.ZodType>;
    const item = res.item;

    app.get(
      `/v1/${res.path}`,
      {
        config: { scope: 'read' },
        schema: {
          tags,
          operationId: `list${res.name}s`,
          summary: `List ${res.what}s of an account`,
          querystring: AccountQuery.extend({ vpcId: z.string().optional() }),
          response: { 200: z.object({ items: z.array(item) }) },
          contract: PLATFORM_READ,
        },
      },
      async (req) => {
        const { provider } = await providers.resolve(req.query.account);
        return { items: await res.list(provider, { vpcId: req.query.vpcId }) };
      },
    );

    app.get(
      `/v1/${res.path}/:id`,
      {
        config: { scope: 'read' },
        schema: {
          tags,
          operationId: `get${res.name}`,
          summary: `Get a ${res.what}`,
          params: IdParams,
          querystring: AccountQuery,
          response: { 200: item },
          contract: PLATFORM_READ,
        },
      },
      async (req) => {
        const { provider } = await providers.resolve(req.query.account);
        const found = await res.get(provider, req.params.id);
        if (!found) throw notFound(res.what, req.params.id);
        return found;
      },
    );

    app.post(
      `/v1/${res.path}`,
      {
        config: { scope: 'write', idempotent: true },
        schema: {
          tags,
          operationId: `create${res.name}`,
          summary: `Create a ${res.what}`,
          querystring: AccountQuery,
          body: res.create,
          response: { 201: item },
          contract: PLATFORM_READ,
        },
      },
      async (req, reply) => {
        const { provider } = await providers.resolve(req.query.account);
        reply.code(201);
        return res.add(provider, req.body);
      },
    );

    app.delete(
      `/v1/${res.path}/:id`,
      {
        config: { scope: 'write' },
        schema: {
          tags,
          operationId: `delete${res.name}`,
          summary: `Delete a ${res.what}`,
          params: IdParams,
          querystring: AccountQuery,
          response: { 204: z.null() },
          contract: PLATFORM_READ,
        },
      },
      async (req, reply) => {
        const { provider } = await providers.resolve(req.query.account);
        await res.remove(provider, req.params.id);
        return reply.code(204).send(null);
      },
    );
  }
};
