/**
 * Wire schemas of the StarVCenter payloads the unified mapping reads (catalog §2.6, §4).
 * Keys are the document's literal dotted strings, read after every whitespace is removed
 * (A47). Objects are loose: the platform may add fields, and the raw record goes to
 * providerData. Scalars are documented as strings but a number or boolean is read as its
 * text (catalog §2.6, "the client accepts either").
 */
import { z } from 'zod';

/** A scalar the platform may send as a string, a number or a boolean; read as its text. */
export const WireStr = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const Opt = WireStr.nullish();

/** A count sent as a number or a numeric string. */
export const WireNumber = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v.trim());
  if (v === '' || !Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${String(v)}` });
    return z.NEVER;
  }
  return n;
});

/** The decoded envelope (L40–L77): `result` decides; the rest depends on the operation. */
export const WireEnvelope = z.looseObject({
  result: WireStr,
  resultinfo: z.unknown().optional(),
  data: z.unknown().optional(),
  startid: Opt,
  dataCount: z.union([WireNumber, z.literal(''), z.null()]).optional(),
});
export type WireEnvelope = z.infer<typeof WireEnvelope>;

/** A VM record, as #3 lists it and #4 returns it (L321–L362). */
export const WireVm = z.looseObject({
  'vm.id': WireStr.pipe(z.string().min(1)),
  'vm.name': Opt,
  'vm.desc': Opt,
  'vm.createtime': Opt,
  'vm.state': Opt,
  'vm.vcpu.num': Opt,
  'vm.memory.mem': Opt,
  'vm.tenant.type': Opt,
  'vm.tenant.model': Opt,
  'vm.ip': Opt,
  'vm.reboot.enable': Opt,
  'vm.shutdown.enable': Opt,
});
export type WireVm = z.infer<typeof WireVm>;

/** One item of the #2 create answer: the VM and the id of its creation job (L257–L269). */
export const WireCreatedVm = z.looseObject({ 'vm.id': Opt, 'vm.name': Opt, jobstartid: Opt });
export type WireCreatedVm = z.infer<typeof WireCreatedVm>;

/** #10 connection info (L613–L619). */
export const WireConnection = z.looseObject({ 'vm.console.url': Opt, 'vm.hostip': Opt, 'vm.vncport': Opt });

/** #18 model catalog: type groups with their models (L919–L940); `mode` is the documented key (D11). */
export const WireModel = z.looseObject({ 'vm.tenant.mode': Opt, 'vm.tenant.model': Opt, 'vm.tenant.modelname': Opt });
export const WireModelGroup = z.looseObject({
  'vm.tenant.type': Opt,
  'vm.tenant.typename': Opt,
  model: z.array(WireModel).nullish(),
});
export type WireModelGroup = z.infer<typeof WireModelGroup>;

/** A tenant private network (#22 answer, #25 items; L1097–L1244). */
export const WireNetwork = z.looseObject({
  'vpc.id': WireStr.pipe(z.string().min(1)),
  'vpc.name': Opt,
  'vpc.cidr': Opt,
  'vpc.gateway': Opt,
  'vpc.usable.ipcount': Opt,
  'vpc.desc': Opt,
  'vpc.createtime': Opt,
});
export type WireNetwork = z.infer<typeof WireNetwork>;

/** A security group (#81 items, L3607–L3620). */
export const WireSecurityGroup = z.looseObject({
  'securitygroup.id': WireStr.pipe(z.string().min(1)),
  'securitygroup.name': Opt,
  'securitygroup.desc': Opt,
  'securitygroup.appid': Opt,
  'securitygroup.appname': Opt,
  'securitygroup.createtime': Opt,
});
export type WireSecurityGroup = z.infer<typeof WireSecurityGroup>;

/** A security-group rule (#87 items are underscored, L3786–L3797; the dotted form is read too, D32). */
export const WireSgRule = z.looseObject({
  aclrule_id: Opt,
  aclrule_srcip: Opt,
  aclrule_target: Opt,
  aclrule_direction: Opt,
  aclrule_vmport: Opt,
  aclrule_protocal: Opt,
  aclrule_securitygroupid: Opt,
  'aclrule.id': Opt,
  'aclrule.securitygroupid': Opt,
});
export type WireSgRule = z.infer<typeof WireSgRule>;

/** `{<key>: id}` answers of creates (#22 `vpc.id`, #82 `securitygroup.id`, #88 `aclrule.id` …). */
export const wireIdOf = (key: string) => z.looseObject({ [key]: WireStr.pipe(z.string().min(1)) });
