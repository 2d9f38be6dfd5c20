/**
 * Wire schemas of the H3C CloudOS payloads this adapter reads (catalog part 1 §2.4–§2.5,
 * §5; part 2 §3.1). Objects are loose: the platform adds fields freely and the raw record
 * goes to providerData. Numbers the document prints as strings (`ram: "16384"`, `swap: ""`)
 * are accepted as either.
 */
import { z } from 'zod';

/** A count the platform may send as a number or a numeric string; `""` reads as 0 (flavor swap). */
export const WireNumber = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (v === '') return 0;
  const n = typeof v === 'number' ? v : Number(v);
  if (Number.isNaN(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${String(v)}` });
    return z.NEVER;
  }
  return n;
});

/** The documented error body (L41–L73); `code` is a string, `data` null, `total` 0. */
export const WireH3cError = z.looseObject({ code: z.union([z.string(), z.number()]), msg: z.string().nullish() });

/** Upstream Nova's error body (`{"itemNotFound":{"message","code"}}`), in case the gateway passes it through. */
export const WireNovaError = z.record(z.string(), z.looseObject({ message: z.string(), code: z.number().optional() }));

/** Keystone's error body (`{"error":{"code","title","message"}}`), for a login behind a plain Keystone. */
export const WireKeystoneError = z.object({
  error: z.looseObject({ code: z.number().optional(), message: z.string(), title: z.string().optional() }),
});

export const WireLogin = z.object({
  token: z.looseObject({
    expires_at: z.string().optional(),
    issued_at: z.string().optional(),
    project: z.looseObject({ id: z.string().min(1), name: z.string().optional() }).optional(),
  }),
});
export type WireLogin = z.infer<typeof WireLogin>;

export const WireAddress = z.looseObject({
  addr: z.string(),
  version: z.number().optional(),
  'OS-EXT-IPS:type': z.string().optional(),
});

export const WireServer = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  status: z.string(),
  created: z.union([z.number(), z.string()]).nullish(),
  'OS-SRV-USG:launched_at': z.string().nullish(),
  'OS-EXT-STS:task_state': z.string().nullish(),
  'OS-EXT-AZ:availability_zone': z.string().nullish(),
  addresses: z.record(z.string(), z.array(WireAddress)).nullish(),
  flavor: z.looseObject({ id: z.string() }).nullish(),
  // Boot-from-volume servers carry "" instead of an image object (upstream Nova).
  image: z.union([z.looseObject({ id: z.string() }), z.literal(''), z.null()]).optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  // Nova's account of a failed build or action (upstream `fault`, shown on ERROR): kept as the item's error.
  fault: z.looseObject({ code: z.union([z.number(), z.string()]).nullish(), message: z.string().nullish() }).nullish(),
});
export type WireServer = z.infer<typeof WireServer>;

export const WireServerEnvelope = z.object({ server: WireServer });

const WireLink = z.looseObject({ href: z.string(), rel: z.string() });

export const WireServerList = z.object({
  servers: z.array(WireServer),
  servers_links: z.array(WireLink).optional(),
});

/** SV-2's 202 answer: the id (and an adminPass, which never leaves the client). */
export const WireCreated = z.object({ server: z.looseObject({ id: z.string().min(1) }) });

export const WireZone = z.looseObject({
  id: z.string().min(1),
  zone: z.string().min(1),
  labelName: z.string().nullish(),
  resourceType: z.string().nullish(),
  deleted: z.number().nullish(),
});
export type WireZone = z.infer<typeof WireZone>;
/** AZ-1 answers a bare array (kinton style). */
export const WireZoneList = z.array(WireZone);

export const WireFlavor = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  ram: WireNumber,
  vcpus: WireNumber,
  disk: WireNumber,
  'OS-FLV-DISABLED:disabled': z.boolean().nullish(),
});
export type WireFlavor = z.infer<typeof WireFlavor>;
export const WireFlavorList = z.object({ flavors: z.array(WireFlavor) });
export const WireFlavorEnvelope = z.object({ flavor: WireFlavor });

export const WireImage = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  status: z.string().nullish(),
  visibility: z.string().nullish(),
  min_disk: WireNumber.nullish(),
  cas_ostype: z.string().nullish(),
  vmware_ostype: z.string().nullish(),
});
export type WireImage = z.infer<typeof WireImage>;
export const WireImageList = z.object({ images: z.array(WireImage), next: z.string().nullish() });
export type WireImageList = z.infer<typeof WireImageList>;

/** SV-24: the document prints the key as `URI` (its url→URI corruption, A15); read both. */
export const WireConsole = z.object({
  console: z
    .looseObject({ url: z.string().optional(), URI: z.string().optional(), type: z.string() })
    .refine((c) => (c.url ?? c.URI) !== undefined, 'console has neither url nor URI'),
});

export const WireKeypair = z.looseObject({
  name: z.string(),
  public_key: z.string(),
  fingerprint: z.string(),
});
export const WireKeypairList = z.object({ keypairs: z.array(z.object({ keypair: WireKeypair })) });
export const WireKeypairEnvelope = z.object({ keypair: WireKeypair });

/**
 * The document mixes time formats (part 1 §2.7): epoch ms numbers, ISO with or without a
 * zone, and `yyyy-MM-dd HH:mm:ss`. Zone-less times are read as UTC (Nova stores UTC).
 */
export function parseH3cTime(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return new Date(value);
  if (/^\d{10,}$/.test(value)) return new Date(Number(value));
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`;
  const at = Date.parse(zoned);
  return Number.isNaN(at) ? null : new Date(at);
}
