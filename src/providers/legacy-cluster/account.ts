/**
 * What a legacy-cluster account holds. The broker documents no authentication (catalog §2.2),
 * so the credentials are only the headers a gateway in front of it may demand (A41); the
 * options name the backend cloud and region the account works in (A42) and the wire values a
 * unified machine spec has no field for (A51–A53).
 */
import { z } from 'zod';
import { BaseAccountOptions, type AccountProblem } from '../contract.ts';

/** Header names this adapter writes itself; a credential header may not replace them. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set(['content-type', 'x-correlation-id', 'accept']);

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'an HTTP header name');
const HeaderValue = z.string().regex(/^[\t\x20-\x7e]{0,4096}$/, 'visible ASCII');

export const LegacyCredentials = z
  .object({
    /** Sent on every call (a gateway's API key, say). Treated as secrets: never logged or returned. */
    headers: z.record(HeaderName, HeaderValue).default({}),
  })
  .strict();
export type LegacyCredentials = z.infer<typeof LegacyCredentials>;

/** A backend driver key as op 16 lists it (`aliyun`, `aws`, `openstack`). */
const Backend = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a backend driver key such as aliyun, aws or openstack');
/** A catalog id that travels in a path segment. */
const PathId = z.string().regex(/^[^/\s,]{1,128}$/, 'no slash, comma or space');

export const LegacyDataDisk = z
  .object({
    sizeGiB: z.number().int().min(1).max(65_536),
    /** 1–4: the broker refuses other counts (11996, catalog op 3). */
    count: z.number().int().min(1).max(4).default(1),
    category: z.string().min(1).max(64).optional(),
  })
  .strict();

export const LegacyOptions = BaseAccountOptions.extend({
  /** The backend cloud driver the account creates in and lists (`Provider` on the wire). */
  backend: Backend,
  /** Region id (`Zone.RegionName`, op 17) for catalog lookups and creates whose spec names none. */
  region: PathId,
  /** Zone id (`Zone.ZoneName`, op 18) for creates whose spec names none; subnet lookups use it too. */
  zone: PathId.optional(),
  /** `SystemDiskCategory` when the spec's system disk names none (op 23 lists the values). */
  systemDiskCategory: z.string().min(1).max(64).optional(),
  /** `DataDiskCategory` when the spec's data disks name none. */
  dataDiskCategory: z.string().min(1).max(64).optional(),
  /** Data disks for a spec that has none: every machine here has 1–4 (A51). */
  defaultDataDisk: LegacyDataDisk.optional(),
  /** `Network.SecurityGroup` when the spec names none ("" lets the backend choose). */
  securityGroupId: z.string().min(1).max(128).optional(),
  /** `Network.InternetChargeType` (op 22: PayByBandwidth, PayByTraffic). */
  internetChargeType: z.string().min(1).max(64).optional(),
  /** `Network.InternetMaxBandwidthOut` in Mbit/s; 0 = no public bandwidth (A52). */
  internetMaxBandwidthOut: z.number().int().min(0).max(10_000).default(0),
  /** `KeyName` when the spec's login names none. */
  keyName: z.string().min(1).max(128).optional(),
});
export type LegacyOptions = z.infer<typeof LegacyOptions>;

/** Provider key of registered own machines: not a backend driver (catalog §2.8), so nothing is created there. */
export const PHYSICAL_BACKEND = 'phydev';

/**
 * Why an account cannot work (A42, A47, A52): the registered-machine pseudo-provider as a
 * backend, status overrides that can never match an integer `Status`, public bandwidth with
 * no charge type, and credential headers that would replace the adapter's own.
 */
export function checkLegacyAccount(credentials: LegacyCredentials, options: LegacyOptions): AccountProblem[] {
  const problems: AccountProblem[] = [];
  if (options.backend === PHYSICAL_BACKEND)
    problems.push({
      pointer: '/options/backend',
      detail: `${PHYSICAL_BACKEND} holds registered machines and has no backend driver; name a cloud such as aliyun`,
    });
  for (const key of Object.keys(options.statusMap ?? {}))
    if (!/^-?\d+$/.test(key))
      problems.push({
        pointer: `/options/statusMap/${escapePointer(key)}`,
        detail: 'the platform reports Status as an integer, so this key can never match',
      });
  if (options.internetMaxBandwidthOut > 0 && !options.internetChargeType)
    problems.push({
      pointer: '/options/internetChargeType',
      detail: 'required when internetMaxBandwidthOut is above 0: public bandwidth needs a charge type',
    });
  for (const name of Object.keys(credentials.headers))
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      problems.push({
        pointer: `/credentials/headers/${escapePointer(name)}`,
        detail: 'this header is written by the adapter itself',
      });
  return problems;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
