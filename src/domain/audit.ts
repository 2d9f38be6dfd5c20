import { z } from 'zod';

/** The kinds of resource the audit log records changes to. */
export const AuditResourceType = z.enum(['account', 'template', 'instance', 'task', 'api_key']);
export type AuditResourceType = z.infer<typeof AuditResourceType>;

/** One change made through the API, as `GET /v1/audit` shows it. */
export const AuditEntry = z.object({
  id: z.uuid(),
  at: z.date(),
  actor: z.object({
    keyId: z.uuid().nullable().describe('The API key that made the change; null for the service itself'),
    name: z.string().describe("The key's name at the time of the change"),
  }),
  action: z.string().describe('`<resourceType>.<verb>`, e.g. `template.update`, `instance.stop`, `task.expand`'),
  resourceType: AuditResourceType,
  resourceId: z.string(),
  before: z.unknown().describe('The resource before the change (secrets removed); null when it was created'),
  after: z.unknown().describe('The resource after the change (secrets removed); null when it was deleted'),
  reason: z.string().nullable().describe('The `Cloudplane-Reason` header, or the reason a task was given'),
  requestId: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
