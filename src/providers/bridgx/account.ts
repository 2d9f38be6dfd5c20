/**
 * What a BridgX account holds. The document has no authentication (A40): the credentials are
 * an optional bearer token. The cloud account BridgX acts for is chosen by its AccessKey ID,
 * which is an identifier, not a secret (no AK secret ever travels), so it lives in the options
 * with the defaults a cluster create needs (A55).
 */
import { z } from 'zod';
import { BaseAccountOptions } from '../contract.ts';

export const BridgxCredentials = z
  .object({
    /** Sent as `Authorization: Bearer <token>` when set; BridgX's own session auth is undocumented. */
    token: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type BridgxCredentials = z.infer<typeof BridgxCredentials>;

/** The provider enum of the document (§2.9), exact and case-sensitive. */
export const BridgxCloud = z.enum(['AlibabaCloud', 'HuaweiCloud', 'TencentCloud', 'BaiduCloud', 'AWSCloud']);
export type BridgxCloud = z.infer<typeof BridgxCloud>;

export const BridgxOptions = BaseAccountOptions.extend({
  /** The cloud account's AccessKey ID, sent as `account_key` / `ak` / `account` (registered in BridgX out of band). */
  accountKey: z.string().min(1).max(128),
  /** Which cloud the AccessKey belongs to. */
  cloud: BridgxCloud.default('AlibabaCloud'),
  /** Region of the catalogs, network lists and of clusters whose spec names none. */
  region: z.string().min(1).max(64),
  /** Zone of clusters and switches whose spec or input names none. */
  zone: z.string().min(1).max(64).optional(),
  /** VPC, switch and security group of clusters whose spec names none (cluster/create requires all three). */
  vpcId: z.string().min(1).max(128).optional(),
  subnetId: z.string().min(1).max(128).optional(),
  securityGroupId: z.string().min(1).max(128).optional(),
  /** Public bandwidth of cluster machines (D3): without it they get no public IP. */
  internetChargeType: z.enum(['PayByTraffic', 'PayByBandwidth']).optional(),
  internetMaxBandwidthOut: z.number().int().min(1).max(10_000).optional(),
  /** Subscription length of clusters made from a `prepaid` spec. */
  prepaidPeriodUnit: z.enum(['Week', 'Month']).optional(),
  prepaidPeriod: z.number().int().min(1).max(60).optional(),
  /** Disk category used when a spec's disk names none, and system disk size when a spec has none. */
  diskCategory: z.string().min(1).max(64).default('cloud_efficiency'),
  systemDiskGiB: z.number().int().min(1).max(65_536).default(40),
  /** Pages of 50 of the task list searched for a task (there is no get-by-id, A58). */
  taskScanPages: z.number().int().min(1).max(200).default(20),
});
export type BridgxOptions = z.infer<typeof BridgxOptions>;

const WEEKS = [1, 2, 3, 4];
const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60];

/** Option combinations a cluster create would refuse later, refused when the account is saved. */
export function checkBridgxAccount(options: BridgxOptions): Array<{ pointer: string; detail: string }> {
  const problems: Array<{ pointer: string; detail: string }> = [];
  if (options.subnetId && !options.vpcId)
    problems.push({
      pointer: '/options/vpcId',
      detail: 'required with subnetId: a switch is read and used with its VPC',
    });
  if (options.internetMaxBandwidthOut !== undefined && !options.internetChargeType)
    problems.push({
      pointer: '/options/internetChargeType',
      detail: 'required with internetMaxBandwidthOut: BridgX needs the billing of public bandwidth',
    });
  if ((options.prepaidPeriodUnit === undefined) !== (options.prepaidPeriod === undefined))
    problems.push({
      pointer: options.prepaidPeriodUnit ? '/options/prepaidPeriod' : '/options/prepaidPeriodUnit',
      detail: 'prepaidPeriodUnit and prepaidPeriod go together',
    });
  else if (options.prepaidPeriodUnit && options.prepaidPeriod !== undefined) {
    const allowed = options.prepaidPeriodUnit === 'Week' ? WEEKS : MONTHS;
    if (!allowed.includes(options.prepaidPeriod))
      problems.push({
        pointer: '/options/prepaidPeriod',
        detail: `with ${options.prepaidPeriodUnit} it is one of ${allowed.join(', ')}`,
      });
  }
  return problems;
}
