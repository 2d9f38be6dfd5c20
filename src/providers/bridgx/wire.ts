/**
 * Wire schemas of the BridgX payloads (catalog §4). Field casing varies between operations and
 * between a field table and its example (D5), so every object is read with `wireObject`: a
 * key matches the documented snake_case name whatever its case and underscores (`VpcId` ≡
 * `vpc_id`, A45). Objects are loose, Go's nil slices (`null`) read as empty, and ids that may
 * come as numbers read as strings (large ones exactly, thanks to raw-json.ts).
 */
import { z } from 'zod';

const canon = (key: string) => key.replace(/_/g, '').toLowerCase();

/** A loose object whose keys are matched to the shape's names case- and underscore-insensitively. */
export function wireObject<T extends z.ZodRawShape>(shape: T) {
  const byCanon = new Map(Object.keys(shape).map((k) => [canon(k), k]));
  return z.preprocess((value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const name = byCanon.get(canon(key)) ?? key;
      // The documented spelling wins when an answer carries both.
      if (!(name in out) || name === key) out[name] = v;
    }
    return out;
  }, z.looseObject(shape));
}

/** A list Go may send as null. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

/** Text the platform may omit or send as null; read as "". */
export const WireText = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

/** A count: a number or a numeric string. */
export const WireInt = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number);

/** An id that may come as a number or a string (task ids: D29); always a decimal string. */
export const WireId = z.union([z.string().min(1), z.number().int()]).transform(String);

/** A size in GB as a number or `"40G"` (D21). */
export const WireGb = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => {
    const n = typeof v === 'number' ? v : Number.parseFloat((v ?? '').replace(/g(b)?$/i, ''));
    return Number.isFinite(n) ? n : null;
  });

/** A yes/no that is a Boolean in the field table and `"Y"`/`"N"` in the examples (D32). */
export const WireFlag = z
  .union([z.boolean(), z.string()])
  .nullish()
  .transform((v) => v === true || (typeof v === 'string' && /^(y|yes|true|1)$/i.test(v)));

export const WireEnvelope = wireObject({
  code: z.union([z.number(), z.string()]),
  msg: z.string().nullish(),
  data: z.unknown().optional(),
});
export type WireEnvelope = z.infer<typeof WireEnvelope>;

/** `pager` / `Pager` (§2.6). */
export const WirePager = wireObject({ page_number: WireInt.optional(), page_size: WireInt.optional(), total: WireInt });

export const WireCluster = wireObject({
  cluster_id: WireId.optional(),
  cluster_name: z.string(),
  provider: WireText,
  account: WireText,
  create_at: WireText,
  create_by: WireText,
  total_remainder: WireText,
});
export const WireClusterList = wireObject({ cluster_list: list(WireCluster), pager: WirePager });

export const WireVpc = wireObject({
  vpc_id: z.string(),
  vpc_name: WireText,
  cidr_block: WireText,
  switch_ids: z.union([z.string(), z.array(z.string())]).nullish(),
  provider: WireText,
  status: WireText,
  create_at: WireText,
});
export type WireVpc = z.infer<typeof WireVpc>;
export const WireVpcList = wireObject({ vpcs: list(WireVpc), pager: WirePager });

export const WireSwitch = wireObject({
  vpc_id: WireText,
  switch_id: z.string(),
  zone_id: WireText,
  switch_name: WireText,
  cidr_block: WireText,
  gateway_ip: WireText,
  /** The examples' name of the status (D33); `status` is the field table's. */
  v_status: WireText,
  status: WireText,
  create_at: WireText,
  is_default: WireFlag,
  available_ip_address_count: WireInt.nullish(),
});
export type WireSwitch = z.infer<typeof WireSwitch>;
export const WireSwitchList = wireObject({ switches: list(WireSwitch), pager: WirePager });

export const WireGroup = wireObject({
  vpc_id: WireText,
  security_group_id: z.string(),
  security_group_name: WireText,
  security_group_type: WireText,
  create_at: WireText,
});
export type WireGroup = z.infer<typeof WireGroup>;
export const WireGroupList = wireObject({ groups: list(WireGroup), pager: WirePager });

/** A rule as the detail (`port_range` `1-65535` / `""`) or the template (`port_from`/`port_to`) writes it (D14). */
export const WireRule = wireObject({
  protocol: WireText,
  port_range: WireText,
  port_from: WireInt.nullish(),
  port_to: WireInt.nullish(),
  direction: WireText,
  group_id: WireText,
  cidr_ip: WireText,
  prefix_list_id: WireText,
});
export type WireRule = z.infer<typeof WireRule>;
export const WireGroupRules = wireObject({
  security_group_id: z.string(),
  security_group_name: WireText,
  security_group_type: WireText,
  vpc_id: WireText,
  rules: list(WireRule),
});
export type WireGroupRules = z.infer<typeof WireGroupRules>;

export const WireNetworkTemplate = wireObject({
  provider: WireText,
  region_id: WireText,
  cidr_block: WireText,
  vpc_name: WireText,
  zone_id: WireText,
  switch_cidr_block: WireText,
  gateway_ip: WireText,
  switch_name: WireText,
  security_group_name: WireText,
  security_group_type: WireText,
  rules: list(WireRule),
});

export const WireRegion = wireObject({ region_id: z.string(), local_name: WireText });
export const WireZone = wireObject({ zone_id: z.string(), local_name: WireText });
export const WireInstanceType = wireObject({
  instance_type_family: WireText,
  instance_type: z.string(),
  core: WireInt.nullish(),
  memory: WireInt.nullish(),
});
export const WireImage = wireObject({ os_type: WireText, os_name: WireText, image_id: z.string() });

export const WireTask = wireObject({
  task_id: WireId,
  task_name: WireText,
  task_action: WireText,
  status: WireText,
  cluster_name: WireText,
  create_at: WireText,
  execute_time: WireInt.nullish(),
  finish_at: WireText,
});
export type WireTask = z.infer<typeof WireTask>;
export const WireTaskList = wireObject({ task_list: list(WireTask), pager: WirePager });

export const WireMachine = wireObject({
  instance_id: z.string(),
  ip_inner: WireText,
  ip_outer: WireText,
  provider: WireText,
  cluster_name: WireText,
  instance_type: WireText,
  create_at: WireText,
  status: WireText,
  startup_time: WireInt.nullish(),
});
export type WireMachine = z.infer<typeof WireMachine>;
export const WireMachineList = wireObject({ instance_list: list(WireMachine), pager: WirePager });

export const WireMachineDetail = wireObject({
  instance_id: z.string(),
  provider: WireText,
  region_id: WireText,
  zone_id: WireText,
  create_at: WireText,
  image_id: WireText,
  instance_type: WireText,
  ip_inner: WireText,
  ip_outer: WireText,
  storage_config: wireObject({
    system_disk_type: WireText,
    system_disk_size: WireGb,
    data_disks: list(wireObject({ data_disk_type: WireText, data_disk_size: WireGb })),
    data_disk_num: WireInt.nullish(),
  }).nullish(),
  network_config: wireObject({
    vpc_name: WireText,
    subnet_id_name: WireText,
    security_group_name: WireText,
  }).nullish(),
});
export type WireMachineDetail = z.infer<typeof WireMachineDetail>;

export const WireMachineCount = wireObject({ instance_num: WireInt });
export const WireUsageTotal = wireObject({ usage_total: WireInt });

export const WireUsage = wireObject({
  id: WireId.optional(),
  cluster_name: WireText,
  instance_id: z.string(),
  startup_at: WireText,
  shutdown_at: WireText,
  startup_time: WireInt,
  instance_type: WireText,
});
export type WireUsage = z.infer<typeof WireUsage>;
export const WireUsageList = wireObject({ instance_list: list(WireUsage), pager: WirePager });

/** `data` of a create: the new object's id or name as a string. */
export const WireCreatedId = z.string().min(1);
/** `data` of expand/shrink: the task id, a bare JSON number (D29), kept exact as a string. */
export const WireTaskIdData = WireId;
