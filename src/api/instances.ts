/** /v1/instances: machines on every account, listed from the gateway's records and operated on their platforms. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Console, Instance, InstanceAction, InstanceStatus, Tags } from '../domain/instance.ts';
import { MachineSpec } from '../domain/machine-spec.ts';
import { ProviderKind } from '../domain/providers.ts';
import { toProblem } from '../server/problems.ts';
import type { InstanceService } from './instance-service.ts';
import { PageQuery, pageOf } from './pagination.ts';
import { plainJson } from './plain-json.ts';

const IdParams = z.object({ id: z.uuid() });
const boolString = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

const ListQuery = PageQuery.extend({
  account: z.uuid().optional(),
  provider: ProviderKind.optional(),
  template: z.uuid().optional(),
  status: InstanceStatus.optional(),
  tag: z
    .string()
    .regex(/^[^=]+=.*$/, 'key=value')
    .max(400)
    .optional()
    .describe('Only machines whose tag `key` equals `value`, as `key=value`'),
  includeDeleted: boolString.describe('Also list machines that are gone'),
  refresh: boolString.describe(
    'Read every account in scope from its platform before answering (also `Cache-Control: no-cache`)',
  ),
});
const ReadQuery = z.object({
  refresh: boolString.describe(
    'Read the machine from its platform now, through the account budget (also `Cache-Control: no-cache`)',
  ),
});

/** `Cache-Control: no-cache` asks for a live read, as `?refresh=true` does. */
const wantsLive = (headers: { 'cache-control'?: string | undefined }) =>
  /(^|,)\s*no-cache\s*(,|$)/i.test(headers['cache-control'] ?? '');

const MachineName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a lowercase letter, then lowercase letters, digits or dashes (hostname-safe)')
  .optional();

const CreateInstance = z.union([
  z.object({ templateId: z.uuid(), name: MachineName }).strict(),
  z.object({ accountId: z.uuid(), spec: MachineSpec, name: MachineName }).strict(),
]);

const ActionBody = z.object({ action: InstanceAction });
const WaitQuery = z.object({
  wait: boolString.describe(
    'Answer once the machine reached the state the action leads to (200), or when the timeout passes (202)',
  ),
  timeoutSeconds: z.coerce.number().int().min(1).max(600).default(60).describe('How long `wait=true` waits'),
});
const BulkAction = z.enum(['start', 'stop', 'reboot', 'delete']);
const BulkBody = z.object({ action: BulkAction, ids: z.array(z.uuid()).min(1).max(100) });
const BulkResult = z
  .object({
    items: z.array(
      z.object({
        id: z.uuid(),
        ok: z.boolean(),
        instance: Instance.optional(),
        problem: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .meta({ id: 'BulkActionResult' });

export const instanceRoutes: FastifyPluginAsyncZod<{ instances: InstanceService }> = async (app, { instances }) => {
  const tags = ['instances'];

  app.get(
    '/v1/instances',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJson,
      schema: {
        tags,
        operationId: 'listInstances',
        summary: 'List machines',
        description:
          "Served from the gateway's records, which the worker keeps current in the background (each machine's `observedAt` says when its platform last reported it). The first page names, in the `Cloudplane-Stale-Accounts` header, the accounts in scope whose records are older than expected or whose refresher is failing. `refresh=true` reads the accounts live first; when an account's budget of platform calls is spent, that answers 503 with `Retry-After`.",
        querystring: ListQuery,
        response: { 200: pageOf(Instance) },
        contract: { platform: true, headers: { 200: ['stale-accounts'] } },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const { page, staleAccounts } = await instances.list(
        !q.refresh && !q.cursor && wantsLive(req.headers) ? { ...q, refresh: true } : q,
      );
      if (staleAccounts.length) reply.header('cloudplane-stale-accounts', staleAccounts.join(','));
      return page;
    },
  );

  app.post(
    '/v1/instances',
    {
      config: { scope: 'write', idempotent: true },
      schema: {
        tags,
        operationId: 'createInstance',
        summary: 'Create one machine from a template or an inline spec',
        description: 'Answers 202: the platform accepted the create; poll the machine until it is running.',
        body: CreateInstance,
        response: { 202: Instance },
        contract: { problems: ['not-found'], platform: true, headers: { 202: ['location'] } },
      },
    },
    async (req, reply) => {
      const instance = await instances.create(req.body, req.idempotency);
      await app.audit.record({
        action: 'instance.create',
        resourceType: 'instance',
        resourceId: instance.id,
        after: instance,
      });
      reply.code(202).header('location', `/v1/instances/${instance.id}`);
      return instance;
    },
  );

  app.get(
    '/v1/instances/:id',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJson,
      schema: {
        tags,
        operationId: 'getInstance',
        summary: 'Get a machine',
        description:
          "Served from the gateway's record of the machine; `observedAt` says when its platform last reported it. `refresh=true` (or `Cache-Control: no-cache`) reads the platform now, through the account's budget of platform calls: when that is spent, 503 with `Retry-After`.",
        params: IdParams,
        querystring: ReadQuery,
        response: { 200: Instance },
        contract: { platform: true },
      },
    },
    async (req) => instances.get(req.params.id, { refresh: req.query.refresh || wantsLive(req.headers) }),
  );

  app.delete(
    '/v1/instances/:id',
    {
      config: { scope: 'write' },
      schema: {
        operationId: 'deleteInstance',
        tags,
        summary: 'Delete a machine',
        params: IdParams,
        response: { 202: Instance },
        contract: { problems: ['conflict'], platform: true },
      },
    },
    async (req, reply) => {
      const instance = await instances.act(req.params.id, 'delete');
      await app.audit.record({
        action: 'instance.delete',
        resourceType: 'instance',
        resourceId: instance.id,
        after: instance,
      });
      reply.code(202);
      return instance;
    },
  );

  app.post(
    '/v1/instances/:id/actions',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        operationId: 'runInstanceAction',
        summary: 'Start, stop or reboot a machine',
        description:
          'Platforms carry actions out asynchronously: the answer (202) shows the machine as the platform reports it right after accepting the action. With `wait=true` the answer waits until the machine reaches the state the action leads to (200), or until `timeoutSeconds` pass (202, its state then).',
        params: IdParams,
        querystring: WaitQuery,
        body: ActionBody,
        response: { 200: Instance, 202: Instance },
        contract: { problems: ['conflict'], platform: true },
      },
    },
    async (req, reply) => {
      const wait = req.query.wait ? { timeoutMs: req.query.timeoutSeconds * 1000 } : undefined;
      const { instance, reached } = await instances.actAndWait(req.params.id, req.body.action, wait);
      await app.audit.record({
        action: `instance.${req.body.action}`,
        resourceType: 'instance',
        resourceId: instance.id,
        after: instance,
      });
      reply.code(reached ? 200 : 202);
      return instance;
    },
  );

  app.post(
    '/v1/instances/actions',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        operationId: 'runBulkInstanceAction',
        summary: 'Run one action on up to 100 machines',
        description:
          'Each machine gets its own outcome: `ok` with the machine, or a problem. The answer is 200 even when some fail.',
        body: BulkBody,
        response: { 200: BulkResult },
      },
    },
    async (req) => {
      const items = (await instances.bulk(req.body.ids, req.body.action, (err) => {
        const { body } = toProblem(err, req);
        return body;
      })) as z.infer<typeof BulkResult>['items'];
      // One entry per machine the platform accepted the action for; refused ones changed nothing.
      await app.audit.record(
        items
          .filter((i) => i.ok)
          .map((i) => ({
            action: `instance.${req.body.action}`,
            resourceType: 'instance' as const,
            resourceId: i.id,
            after: i.instance,
          })),
      );
      return { items };
    },
  );

  app.get(
    '/v1/instances/:id/console',
    {
      config: { scope: 'write' },
      schema: {
        operationId: 'getInstanceConsole',
        tags,
        summary: "A URL to the machine's remote console",
        params: IdParams,
        response: { 200: Console },
        contract: { problems: ['conflict'], platform: true },
      },
    },
    async (req) => instances.console(req.params.id),
  );

  app.put(
    '/v1/instances/:id/tags',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        operationId: 'replaceInstanceTags',
        summary: "Replace a machine's tags",
        params: IdParams,
        body: z.object({ tags: Tags }),
        response: { 200: Instance },
        contract: { problems: ['conflict'], platform: true },
      },
    },
    async (req) => {
      const instance = await instances.setTags(req.params.id, req.body.tags);
      await app.audit.record({
        action: 'instance.tags',
        resourceType: 'instance',
        resourceId: instance.id,
        after: instance,
      });
      return instance;
    },
  );
};
