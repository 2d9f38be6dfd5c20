import { z } from 'zod';

/** A human name for an account or a template: unique per kind, safe in logs and URLs of dashboards. */
export const ResourceName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
    'letters, digits, space, dot, dash, underscore; starting with a letter or digit',
  );
