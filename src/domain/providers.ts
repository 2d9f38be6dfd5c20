import { z } from 'zod';

/** The platforms Cloudplane speaks to; the `provider` field everywhere. */
export const ProviderKind = z.enum(['legacy-cluster', 'bridgx', 'starvcenter', 'h3c-cloudos', 'inspur-ecs']);
export type ProviderKind = z.infer<typeof ProviderKind>;

/**
 * Operation names, shared by capabilities, metrics, logs and problems. A
 * platform declares the ones it supports; anything else answers 501
 * before any platform call.
 */
export const Capability = z.enum([
  'accounts.verify',
  'catalog.regions',
  'catalog.zones',
  'catalog.instance_types',
  'catalog.images',
  'vpcs.list',
  'vpcs.get',
  'vpcs.create',
  'vpcs.delete',
  'subnets.list',
  'subnets.get',
  'subnets.create',
  'subnets.delete',
  'security_groups.list',
  'security_groups.get',
  'security_groups.create',
  'security_groups.delete',
  'instances.list',
  'instances.get',
  'instances.create',
  'instances.delete',
  'instances.start',
  'instances.stop',
  'instances.reboot',
  'instances.batch_action',
  'instances.tags',
  'instances.console',
  'jobs.get',
  'networks.sync',
  'usage.get',
  'groups.create',
  'groups.update',
  'groups.delete',
  'groups.members',
  'groups.expand',
  'groups.shrink',
  'operations.run',
]);
export type Capability = z.infer<typeof Capability>;

/**
 * How a platform grows and shrinks a template's group. The engine picks its
 * path from this declaration, never from the platform's name.
 * - `per_machine`: one create per machine, answered with its id, found again by its marker name;
 * - `per_machine_job`: one create per machine, answered with a platform job that names the machine;
 * - `native_group`: the platform's own group expand call; the engine finds the new members;
 * - `platform_tasks`: the platform runs its own expand/shrink tasks, found in its task list;
 * - `none`: the platform cannot create or delete machines; expand and shrink are refused at submit.
 */
export const ScalingStrategy = z.enum(['per_machine', 'per_machine_job', 'native_group', 'platform_tasks', 'none']);
export type ScalingStrategy = z.infer<typeof ScalingStrategy>;

/**
 * How a platform's machine list pages, and whether one pass over its pages is a
 * consistent picture. Page-number lists shift when machines come and go between
 * pages, so one pass can miss or repeat a machine: a sync never concludes
 * "deleted" from such a pass alone.
 */
export const ListPaging = z.object({
  style: z.enum(['marker', 'page_number', 'none']),
  consistent: z.boolean(),
});
export type ListPaging = z.infer<typeof ListPaging>;

/** A JSON Schema document (draft 2020-12), generated from the zod schema it describes. */
export const JsonSchema = z.record(z.string(), z.unknown());

export const ProviderInfo = z
  .object({
    kind: ProviderKind,
    title: z.string(),
    capabilities: z.array(Capability),
    scaling: ScalingStrategy,
    paging: ListPaging,
    /** How long after a create call a new machine may take to show up in the platform's lists. */
    listLagMs: z.number().int().nonnegative(),
    /** The shape of an account's `credentials` for this kind. */
    credentialsSchema: JsonSchema,
    /** The shape of an account's `options` for this kind. */
    optionsSchema: JsonSchema,
  })
  .meta({ id: 'ProviderInfo' });
export type ProviderInfo = z.infer<typeof ProviderInfo>;
