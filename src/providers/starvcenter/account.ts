/**
 * What a StarVCenter account holds: one tenant token (the document has no login, A43) and the
 * options the adapter needs where the document is silent (base path, network, instance types,
 * how long a reboot is shown, the platform's time zone).
 */
import { z } from 'zod';
import { BaseAccountOptions, type AccountProblem } from '../contract.ts';

export const StarVCenterCredentials = z
  .object({
    /** The tenant token sent as the `KEY_TOKEN` header; issued in the StarVCenter console (A43). */
    token: z.string().min(1).max(4096),
  })
  .strict();
export type StarVCenterCredentials = z.infer<typeof StarVCenterCredentials>;

/** `c<vCPUs>m<MiB>`: the instance-type ids this adapter makes up (A52). */
export const INSTANCE_TYPE_ID = /^c([1-9]\d{0,3})m([1-9]\d{0,8})$/;

export const StarVCenterInstanceType = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(128).optional(),
  vcpus: z.number().int().min(1).max(9999),
  memoryMiB: z.number().int().min(1).max(999_999_999),
});
export type StarVCenterInstanceType = z.infer<typeof StarVCenterInstanceType>;

/** A small default list; any `c<N>m<M>` id is accepted at create whether listed or not. */
export const DEFAULT_INSTANCE_TYPES: StarVCenterInstanceType[] = [
  { id: 'c1m1024', vcpus: 1, memoryMiB: 1024 },
  { id: 'c2m4096', vcpus: 2, memoryMiB: 4096 },
  { id: 'c4m8192', vcpus: 4, memoryMiB: 8192 },
  { id: 'c8m16384', vcpus: 8, memoryMiB: 16384 },
];

export const DEFAULT_BASE_PATH = '/starvcenter/services/cloudresource';

export const StarVCenterOptions = BaseAccountOptions.extend({
  /**
   * Path of the documented BaseURL under the endpoint (A41). Added only when the endpoint does
   * not already end with it, so both `http://host:18081` and the full BaseURL work.
   */
  basePath: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'a path such as /starvcenter/services/cloudresource, no trailing slash')
    .default(DEFAULT_BASE_PATH),
  /** Private network (`vnic.portgroupid`) used when a spec names no subnet or VPC (A53). */
  defaultNetworkId: z.string().min(1).max(128).optional(),
  /** The instance types listInstanceTypes reports (A52). */
  instanceTypes: z.array(StarVCenterInstanceType).min(1).max(200).default(DEFAULT_INSTANCE_TYPES),
  /** Stop with an OS shutdown (#7) when the machine says it supports one, else power off (#6) (A58). */
  softStop: z.boolean().default(true),
  /** `vm.hyperv.enable` at create; absent = the platform's default (not sent). */
  nestedVirtualization: z.boolean().optional(),
  /**
   * How long after a reboot (#15) the machine is reported `rebooting` (A60): the platform shows
   * no sign of a reboot in progress, so this is the adapter's only bound.
   */
  rebootWindowMs: z.number().int().min(0).max(600_000).default(60_000),
  /** How long a start, stop or delete this adapter sent colours the status it reports (A60). */
  transitionTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(300_000),
  /** The platform's local time offset for `*.createtime` values (A56). */
  utcOffset: z
    .string()
    .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'an offset such as +08:00')
    .default('+08:00'),
});
export type StarVCenterOptions = z.infer<typeof StarVCenterOptions>;

// A header value must be visible ASCII: anything else cannot be sent as KEY_TOKEN at all.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Problems that would make every call, or every create, fail later (field named). */
export function checkStarVCenterAccount(
  credentials: StarVCenterCredentials,
  options: StarVCenterOptions,
): AccountProblem[] {
  const problems: AccountProblem[] = [];
  if (!HEADER_SAFE.test(credentials.token))
    problems.push({
      pointer: '/credentials/token',
      detail: 'must be printable ASCII without spaces: it travels as the KEY_TOKEN header',
    });
  if (options.rebootWindowMs > options.transitionTimeoutMs)
    problems.push({
      pointer: '/options/rebootWindowMs',
      detail: 'must not exceed transitionTimeoutMs, which bounds every transition the adapter reports',
    });
  const seen = new Set<string>();
  options.instanceTypes.forEach((t, i) => {
    if (seen.has(t.id)) problems.push({ pointer: `/options/instanceTypes/${i}/id`, detail: `duplicate id ${t.id}` });
    seen.add(t.id);
    const m = INSTANCE_TYPE_ID.exec(t.id);
    if (m && (Number(m[1]) !== t.vcpus || Number(m[2]) !== t.memoryMiB))
      problems.push({
        pointer: `/options/instanceTypes/${i}`,
        detail: `id ${t.id} reads as ${m[1]} vCPUs and ${m[2]} MiB, which the entry contradicts`,
      });
  });
  return problems;
}
