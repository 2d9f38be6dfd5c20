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
  'instances.tags',
  'instances.console',
  'jobs.get',
  'groups.expand',
  'groups.shrink',
  'operations.run',
]);
export type Capability = z.infer<typeof Capability>;

export const ProviderInfo = z.object({
  kind: ProviderKind,
  title: z.string(),
  capabilities: z.array(Capability),
  /** How long after a create call a new machine may take to show up in the platform's lists. */
  listLagMs: z.number().int().nonnegative(),
});
export type ProviderInfo = z.infer<typeof ProviderInfo>;
