import { z } from 'zod';
import { Tags } from './instance.ts';

/**
 * What one machine is made of, in unified terms. Templates save one; an
 * instance create takes one (from a template or inline). Catalog ids are the
 * platform's own ids, as the catalog routes list them.
 */
export const Disk = z.object({
  sizeGiB: z.number().int().min(1).max(65_536),
  category: z.string().max(64).optional(),
});

export const MachineSpec = z
  .object({
    region: z.string().min(1).optional(),
    zone: z.string().min(1).optional(),
    instanceType: z.string().min(1),
    image: z.string().min(1),
    network: z
      .object({
        vpcId: z.string().min(1).optional(),
        subnetId: z.string().min(1).optional(),
        securityGroupIds: z.array(z.string().min(1)).max(16).optional(),
      })
      .default({}),
    systemDisk: Disk.optional(),
    dataDisks: z.array(Disk).max(16).default([]),
    charge: z.enum(['on_demand', 'prepaid']).default('on_demand'),
    login: z
      .object({
        keyName: z.string().min(1).optional(),
        /** Write-only: never returned by the API. */
        password: z.string().min(8).max(128).optional(),
      })
      .default({}),
    tags: Tags.default({}),
  })
  .meta({ id: 'MachineSpec' });
export type MachineSpec = z.infer<typeof MachineSpec>;

/** What the engine hands an adapter for one create: a spec plus the machine's name. */
export interface CreateInstanceRequest {
  spec: MachineSpec;
  /** Platform-safe name; also the reconciliation marker when the engine creates it. */
  name: string;
  /** Extra tags merged over the spec's (task markers live here when the platform has tags). */
  tags: Record<string, string>;
}
