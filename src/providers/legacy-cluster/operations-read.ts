/**
 * Read operations beyond the unified model: backends, templates, machine counts, status, logs
 * and the catalog lists the unified model has no place for (charge types, disk categories).
 */
import { z } from 'zod';
import { InstanceStatus } from '../../domain/instance.ts';
import { parseWire } from './client.ts';
import { stripSecrets, toTemplateView } from './mapping.ts';
import { define, read } from './operation-kit.ts';
import { PATHS, routableInstanceId, templateId } from './paths.ts';
import { toStatus } from './statuses.ts';
import { WireCount, WireCountSample, WireStatusList, WireStringList, WireTemplate, WireTemplateList } from './wire.ts';

const TemplateView = z.object({
  id: z.number().int(),
  name: z.string(),
  provider: z.string(),
  cpu: z.number(),
  ramGiB: z.number(),
  instanceType: z.string(),
  imageId: z.string(),
  keyName: z.string(),
  region: z.string(),
  zone: z.string(),
  vpcId: z.string(),
  subnetId: z.string(),
  securityGroupId: z.string(),
  internetChargeType: z.string(),
  internetMaxBandwidthOut: z.number(),
  systemDiskCategory: z.string(),
  dataDisk: z.object({ sizeGiB: z.number(), count: z.number(), category: z.string() }),
  createdAt: z.string().nullable(),
  deleted: z.boolean(),
});

const CountSample = z.object({
  time: z.string().describe('the broker\'s local time, "YYYY-MM-DD HH:mm:ss" (no zone)'),
  total: z.number().int(),
  byProvider: z.record(z.string(), z.number().int()),
});

/** A sample's string numbers → numbers; `time` and `total` are the fixed keys, the rest are backends (A67). */
function toSample(operation: string, raw: unknown): z.infer<typeof CountSample> {
  const sample = parseWire(operation, WireCountSample, raw);
  const byProvider: Record<string, number> = {};
  for (const [k, v] of Object.entries(sample))
    if (k !== 'time' && k !== 'total') byProvider[k] = parseWire(operation, WireCount, v);
  const total = sample.total === undefined ? Object.values(byProvider).reduce((a, b) => a + b, 0) : sample.total;
  return { time: String(sample.time ?? ''), total: parseWire(operation, WireCount, total), byProvider };
}

const InstanceId = z.string().min(1).max(128);
const Backend = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/)
  .optional()
  .describe("a backend driver; the account's by default");
/** `YYYY-MM-DD HH:mm:ss`, the broker's own sample format (A67). */
const BrokerTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'YYYY-MM-DD HH:mm:ss');
const Log = z.object({
  log: z.unknown().describe('the log as the broker keeps it (its shape is undocumented), secrets removed'),
});

export const readOperations = [
  define({
    name: 'providers.list',
    op: 16,
    summary: "Lists the broker's backend drivers (op 16).",
    input: z.object({}),
    output: z.object({ providers: z.array(z.string()) }),
    async run(ctx) {
      return { providers: await ctx.client.content(read(PATHS.providers, 'providers.list'), WireStringList) };
    },
  }),
  define({
    name: 'templates.list',
    op: 1,
    summary: 'Lists every machine template of the broker, whatever its backend (op 1).',
    input: z.object({}),
    output: z.object({ templates: z.array(TemplateView) }),
    async run(ctx) {
      const list = await ctx.client.content(read(PATHS.templates, 'templates.list'), WireTemplateList);
      return { templates: list.map(toTemplateView) };
    },
  }),
  define({
    name: 'templates.get',
    op: 2,
    summary: 'Shows one machine template (op 2).',
    input: z.object({ templateId: z.string().regex(/^\d{1,12}$/) }),
    output: TemplateView,
    async run(ctx, input) {
      const op = 'operations.templates.get';
      const path = PATHS.template(templateId(op, input.templateId));
      return toTemplateView(await ctx.client.content(read(path, 'templates.get'), WireTemplate));
    },
  }),
  define({
    name: 'machines.counts',
    op: 6,
    summary: 'Online machines per backend over the last hours (op 6).',
    input: z.object({
      hours: z
        .number()
        .int()
        .min(1)
        .max(24 * 366),
    }),
    output: z.object({ samples: z.array(CountSample) }),
    async run(ctx, input) {
      const raw = await ctx.client.content(read(PATHS.counts(input.hours), 'machines.counts'), z.array(z.unknown()));
      return { samples: raw.map((s) => toSample('operations.machines.counts', s)) };
    },
  }),
  define({
    name: 'machines.counts_at',
    op: 7,
    summary: "Online machines per backend at a past instant, in the broker's local time (op 7).",
    input: z.object({ time: BrokerTime }),
    output: z.object({ sample: CountSample.nullable() }),
    async run(ctx, input) {
      // The table says an array, the example a single object (defect 24): both are read.
      const raw = await ctx.client.content(read(PATHS.countsAt(input.time), 'machines.counts_at'), z.unknown());
      const first = Array.isArray(raw) ? raw[0] : raw;
      return {
        sample: first === undefined || first === null ? null : toSample('operations.machines.counts_at', first),
      };
    },
  }),
  define({
    name: 'instances.status',
    op: 11,
    summary: "A machine's status as the broker's status call reports it (op 11), mapped like every status here.",
    input: z.object({ instanceId: InstanceId }),
    output: z.object({
      items: z.array(
        z.object({ instanceId: z.string(), status: InstanceStatus, statusRaw: z.string(), ipAddress: z.string() }),
      ),
    }),
    async run(ctx, input) {
      const id = routableInstanceId('operations.instances.status', input.instanceId);
      const items = await ctx.client.content(read(PATHS.status(id), 'instances.status'), WireStatusList);
      return {
        items: items.map((i) => ({
          instanceId: i.instance_id,
          ...toStatus(i.status, ctx.options.statusMap),
          ipAddress: i.ip_address,
        })),
      };
    },
  }),
  ...(
    [
      ['catalog.charge_types', 22, 'Internet bandwidth charge types of a backend (op 22).', PATHS.chargeTypes],
      ['catalog.disk_categories', 23, 'Disk categories of a backend (op 23).', PATHS.diskCategories],
    ] as const
  ).map(([name, op, summary, path]) =>
    define({
      name,
      op,
      summary,
      input: z.object({ provider: Backend }),
      output: z.object({ provider: z.string(), values: z.array(z.string()) }),
      async run(ctx, input) {
        const provider = input.provider ?? ctx.options.backend;
        return { provider, values: await ctx.client.content(read(path(provider), name), WireStringList) };
      },
    }),
  ),
  define({
    name: 'logs.get',
    op: 28,
    summary: 'The log the broker wrote for one machine under one correlation id (op 28).',
    input: z.object({ correlationId: z.string().min(1).max(200), instanceId: InstanceId }),
    output: Log,
    async run(ctx, input) {
      const path = PATHS.log(input.correlationId, routableInstanceId('operations.logs.get', input.instanceId));
      return { log: stripSecrets(await ctx.client.content(read(path, 'logs.get'), z.unknown())) ?? null };
    },
  }),
  define({
    name: 'logs.by_instance',
    op: 29,
    summary: 'Every log the broker wrote for one machine (op 29).',
    input: z.object({ instanceId: InstanceId }),
    output: Log,
    async run(ctx, input) {
      const path = PATHS.logsOf(routableInstanceId('operations.logs.by_instance', input.instanceId));
      return { log: stripSecrets(await ctx.client.content(read(path, 'logs.by_instance'), z.unknown())) ?? null };
    },
  }),
];
