/**
 * What the network calls refuse (copied by the document from Alibaba's VPC notes): name
 * patterns, VPC and switch CIDR rules, rule port ranges and peers, and the account a call names.
 */
import { z } from 'zod';
import { PRIVATE_RANGES, contains, overlaps, parseCidr, parseIp } from './simulator-cidr.ts';
import type { BxAccount, BxContext } from './simulator-context.ts';
import type { BxRule, BxSubnet } from './simulator-network-store.ts';

const HTTP_PREFIX = /^https?:\/\//i;
const length = (s: string) => [...s].length;

/** 2–`max` characters, starting with a letter or a Chinese character, not with http(s)://. */
function named(max: number, rest: RegExp) {
  return z
    .string()
    .refine((s) => length(s) >= 2 && length(s) <= max && !HTTP_PREFIX.test(s) && rest.test(s), 'bad name');
}

/** VPC names may contain digits, '.', '_' and '-' (2–64 in vpc/create, 2–128 in network_config/create). */
export const vpcName = (max: 64 | 128) => named(max, /^[A-Za-z\p{Script=Han}][A-Za-z0-9\p{Script=Han}._-]*$/u);
/** Switch names: only the first character and the http(s) prefix are restricted. */
export const switchName = named(128, /^[A-Za-z\p{Script=Han}]/u);
/** Security-group names may contain digits, ':', '_' and '-'. */
export const securityGroupName = named(128, /^[A-Za-z\p{Script=Han}][A-Za-z0-9\p{Script=Han}:_-]*$/u);

/** A VPC CIDR: inside 10/8, 172.16/12 or 192.168/16, mask 8–24 (A21). */
export function validVpcCidr(text: string): boolean {
  const c = parseCidr(text);
  return c !== null && c.mask <= 24 && PRIVATE_RANGES.some((r) => contains(r, c));
}

/** A switch CIDR: mask 16–29, inside the VPC, overlapping no other switch of the VPC (A21). */
export function validSwitchCidr(text: string, vpcCidr: string, siblings: BxSubnet[]): boolean {
  const c = parseCidr(text);
  const vpc = parseCidr(vpcCidr);
  if (!c || !vpc || c.mask < 16 || c.mask > 29 || !contains(vpc, c)) return false;
  return siblings.every((s) => {
    const other = parseCidr(s.cidr);
    return !other || !overlaps(other, c);
  });
}

/** A registered account of the caller's organization, of the given provider when one is named (A5). */
export function accountOf(ctx: BxContext, org: string, ak: string, provider?: string): BxAccount | undefined {
  const account = ctx.state.accounts.get(ak);
  if (!account || account.org !== org) return undefined;
  return provider === undefined || account.provider === provider ? account : undefined;
}

export const RuleInput = z.object({
  protocol: z.enum(['tcp', 'udp', 'icmp', 'gre', 'all']),
  port_range: z.string(),
  direction: z.enum(['ingress', 'egress']),
  group_id: z.string().optional(),
  cidr_ip: z.string().optional(),
});
export type RuleInput = z.infer<typeof RuleInput>;

/** A peer CIDR: a CIDR or a bare address (host bits allowed, as ECS accepts them). */
function validPeerCidr(text: string): boolean {
  const m = /^([\d.]+)(?:\/(\d{1,2}))?$/.exec(text);
  return m !== null && parseIp(m[1] ?? '') !== null && (m[2] === undefined || Number(m[2]) <= 32);
}

/**
 * Reads one rule (A34): `start/end` ports, 1–65535 for tcp/udp and `-1/-1` for the others; a
 * peer group of the same VPC or a CIDR, the group winning when both are given. Null = refused.
 */
export function readRule(input: RuleInput, groupExists: (id: string) => boolean): BxRule | null {
  const m = /^(-?\d+)\/(-?\d+)$/.exec(input.port_range);
  if (!m) return null;
  const [from, to] = [Number(m[1]), Number(m[2])];
  const ported = input.protocol === 'tcp' || input.protocol === 'udp';
  if (ported ? !(from >= 1 && from <= to && to <= 65535) : !(from === -1 && to === -1)) return null;
  const groupId = input.group_id ?? '';
  const cidrIp = input.cidr_ip ?? '';
  if (groupId) {
    if (!groupExists(groupId)) return null;
  } else if (!cidrIp || !validPeerCidr(cidrIp)) return null;
  return {
    protocol: input.protocol,
    portFrom: from,
    portTo: to,
    direction: input.direction,
    groupId,
    cidrIp: groupId ? '' : cidrIp,
    prefixListId: '',
  };
}

/** Identical rules collapse into one, as the document's notes say a repeated rule adds nothing. */
export function dedupeRules(rules: BxRule[]): BxRule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = [r.protocol, r.portFrom, r.portTo, r.direction, r.groupId, r.cidrIp].join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The rule's ports as the detail call shows them: `1-65535`, or '' for a protocol without ports (A34). */
export function portRangeText(r: BxRule): string {
  return r.portFrom < 0 ? '' : `${r.portFrom}-${r.portTo}`;
}
