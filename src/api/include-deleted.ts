/** `?includeDeleted=true`: deleted (soft-deleted) accounts and templates are hidden unless asked for. */
import { z } from 'zod';

export const IncludeDeleted = z.object({
  includeDeleted: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Also show deleted ones (kept for the history of the tasks that name them)'),
});
