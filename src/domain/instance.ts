import { z } from 'zod';
import { ProviderKind } from './providers.ts';

/** The ten unified statuses; every platform status maps to exactly one. */
export const InstanceStatus = z.enum([
  'pending',
  'starting',
  'running',
  'stopping',
  'stopped',
  'rebooting',
  'deleting',
  'deleted',
  'error',
  'unknown',
]);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

/** Per-account overrides of a platform's status table, raw value → unified status. */
export const StatusMap = z.record(z.string(), InstanceStatus);
export type StatusMap = z.infer<typeof StatusMap>;

export const Tags = z.record(z.string().min(1).max(128), z.string().max(256));
export type Tags = z.infer<typeof Tags>;

/** The platform's own account of a machine's failure. */
export const MachineFault = z.object({ code: z.string().nullable(), message: z.string() });
export type MachineFault = z.infer<typeof MachineFault>;

/** A machine as an adapter reports it: platform ids, unified status, the raw record minus secrets. */
export const ProviderInstance = z.object({
  providerId: z.string().min(1),
  name: z.string().nullable(),
  status: InstanceStatus,
  statusRaw: z.string(),
  region: z.string().nullable(),
  zone: z.string().nullable(),
  instanceType: z.string().nullable(),
  image: z.string().nullable(),
  privateIps: z.array(z.string()),
  publicIps: z.array(z.string()),
  tags: Tags,
  launchedAt: z.date().nullable(),
  providerData: z.record(z.string(), z.unknown()),
  /**
   * Why the platform says the machine failed, in its own words, when it gives any (an
   * OpenStack-style server `fault` on ERROR). Only for the engine's item errors: the API's view
   * carries the raw record in `providerData` instead.
   */
  fault: MachineFault.optional(),
});
export type ProviderInstance = z.infer<typeof ProviderInstance>;

/** A machine as the unified API returns it. */
export const Instance = ProviderInstance.omit({ fault: true })
  .extend({
    id: z.uuid(),
    accountId: z.uuid(),
    provider: ProviderKind,
    templateId: z.uuid().nullable(),
    taskId: z.uuid().nullable(),
    firstSeenAt: z.date(),
    lastSeenAt: z.date(),
    /** When the platform last reported this machine: how old the rest of this answer may be. */
    observedAt: z.date().describe('When the platform last reported this machine (reads are served from records)'),
    deletedAt: z.date().nullable(),
  })
  .meta({ id: 'Instance' });
export type Instance = z.infer<typeof Instance>;

export const InstanceAction = z.enum(['start', 'stop', 'reboot']);
export type InstanceAction = z.infer<typeof InstanceAction>;

export const Console = z
  .object({
    type: z.string().describe('vnc, spice, serial, …, as the platform names it'),
    url: z.string(),
    expiresAt: z.date().nullable(),
  })
  .meta({ id: 'Console' });
export type Console = z.infer<typeof Console>;
