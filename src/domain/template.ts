import { z } from 'zod';
import { MachineSpec } from './machine-spec.ts';
import { ResourceName } from './names.ts';
import { ProviderKind } from './providers.ts';

/** Names of machines made from a template start with this: lowercase, hostname-safe, short enough for any platform. */
export const NamePrefix = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,19}$/, 'a lowercase letter, then up to 19 lowercase letters, digits or dashes');

/** The spec as returned: the login password is write-only. */
export const TemplateSpecView = MachineSpec.omit({ login: true }).extend({
  login: z.object({ keyName: z.string().optional(), passwordSet: z.boolean() }),
});
export type TemplateSpecView = z.infer<typeof TemplateSpecView>;

/**
 * What the orphan audit does with a machine of the group that no record knew (a create that took
 * effect after the engine gave up on it): `adopt` records it as a member (shrinkable, counted);
 * `delete` removes it from the platform.
 */
export const OrphanPolicy = z.enum(['adopt', 'delete']);
export type OrphanPolicy = z.infer<typeof OrphanPolicy>;

export const Template = z.object({
  id: z.uuid(),
  name: z.string(),
  accountId: z.uuid(),
  provider: ProviderKind,
  namePrefix: NamePrefix,
  spec: TemplateSpecView,
  activeTaskId: z.uuid().nullable().describe('The expand/shrink task running on this group, if any'),
  orphanPolicy: OrphanPolicy,
  orphansFound: z.number().int().describe('Machines of this group the orphan audit found that no record knew'),
  lastOrphanAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  deletedAt: z.date().nullable().describe('Set once deleted; deleted templates show only with `includeDeleted=true`'),
});
export type Template = z.infer<typeof Template>;

export const TemplateName = ResourceName;

export const CreateTemplate = z.object({
  name: TemplateName,
  accountId: z.uuid(),
  namePrefix: NamePrefix.optional().describe('Defaults to a slug of the name'),
  orphanPolicy: OrphanPolicy.default('adopt'),
  spec: MachineSpec,
});
export type CreateTemplate = z.infer<typeof CreateTemplate>;

export const UpdateTemplate = z
  .object({ name: TemplateName, namePrefix: NamePrefix, orphanPolicy: OrphanPolicy, spec: MachineSpec })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export type UpdateTemplate = z.infer<typeof UpdateTemplate>;
