import { z } from 'zod';

export const Region = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Region' });
export type Region = z.infer<typeof Region>;

export const Zone = z
  .object({
    id: z.string(),
    name: z.string(),
    region: z.string().nullable(),
    available: z.boolean(),
  })
  .meta({ id: 'Zone' });
export type Zone = z.infer<typeof Zone>;

export const InstanceType = z
  .object({
    id: z.string(),
    name: z.string(),
    vcpus: z.number().int().nonnegative(),
    memoryMiB: z.number().int().nonnegative(),
    diskGiB: z.number().nonnegative().nullable(),
    zones: z.array(z.string()).nullable().describe('null when the platform does not restrict it by zone'),
  })
  .meta({ id: 'InstanceType' });
export type InstanceType = z.infer<typeof InstanceType>;

export const Image = z
  .object({
    id: z.string(),
    name: z.string(),
    os: z.string().nullable(),
    status: z.string().nullable(),
    minDiskGiB: z.number().nonnegative().nullable(),
    visibility: z.enum(['public', 'private', 'shared', 'unknown']),
  })
  .meta({ id: 'Image' });
export type Image = z.infer<typeof Image>;
