import { z } from 'zod';

export const Vpc = z
  .object({
    id: z.string(),
    name: z.string(),
    cidr: z.string().nullable(),
    region: z.string().nullable(),
    status: z.string().nullable(),
  })
  .meta({ id: 'Vpc' });
export type Vpc = z.infer<typeof Vpc>;

export const Subnet = z
  .object({
    id: z.string(),
    name: z.string(),
    vpcId: z.string().nullable(),
    cidr: z.string().nullable(),
    zone: z.string().nullable(),
    gateway: z.string().nullable(),
  })
  .meta({ id: 'Subnet' });
export type Subnet = z.infer<typeof Subnet>;

export const SecurityGroupRule = z.object({
  direction: z.enum(['ingress', 'egress']),
  protocol: z.string(),
  /** Ports as `from-to` or one port (`22`, `80-443`), comma-separated for several; null for all. */
  portRange: z.string().nullable(),
  cidr: z.string().nullable(),
  action: z.enum(['allow', 'deny']),
});
export const SecurityGroup = z
  .object({
    id: z.string(),
    name: z.string(),
    vpcId: z.string().nullable(),
    description: z.string().nullable(),
    rules: z.array(SecurityGroupRule),
  })
  .meta({ id: 'SecurityGroup' });
export type SecurityGroup = z.infer<typeof SecurityGroup>;

export const CreateVpc = z
  .object({
    name: z.string().min(1).max(128),
    cidr: z.string().min(1),
    region: z.string().optional(),
  })
  .meta({ id: 'CreateVpc' });
export type CreateVpc = z.infer<typeof CreateVpc>;
export const CreateSubnet = z
  .object({
    name: z.string().min(1).max(128),
    vpcId: z.string().min(1),
    cidr: z.string().min(1),
    zone: z.string().optional(),
  })
  .meta({ id: 'CreateSubnet' });
export type CreateSubnet = z.infer<typeof CreateSubnet>;
export const CreateSecurityGroup = z
  .object({
    name: z.string().min(1).max(128),
    vpcId: z.string().optional(),
    description: z.string().max(256).optional(),
    rules: z.array(SecurityGroupRule).max(100).default([]),
  })
  .meta({ id: 'CreateSecurityGroup' });
export type CreateSecurityGroup = z.infer<typeof CreateSecurityGroup>;
