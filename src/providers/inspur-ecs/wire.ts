/**
 * Wire schemas of the Inspur ECS payloads this adapter reads (catalog §2.4, §4.0, §4.13).
 * Objects are loose: the raw record goes to providerData, and the document's examples show
 * fields its tables lack (and the reverse). Numbers the document may print as strings are
 * accepted as either. Only `data` varies by operation; the envelope is one schema.
 */
import { z } from 'zod';

/** A count the platform may send as a number or a numeric string. */
export const WireNumber = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v.trim());
  if (v === '' || Number.isNaN(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${String(v)}` });
    return z.NEVER;
  }
  return n;
});

/**
 * The common envelope (seed lines 32–41). `code` is an int in the table, a string in the list
 * example and a dotted string in errors (`"101.001012"`): read as either, compared as a string
 * (A41). `message` is mandatory by the table yet absent from the delete example (A62).
 */
export const WireEnvelope = z.looseObject({
  code: z.union([z.string(), z.number()]),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});
export type WireEnvelope = z.infer<typeof WireEnvelope>;

export const WireNic = z.looseObject({
  fixed_ip: z.string().nullish(),
  subnet_id: z.string().nullish(),
  network_id: z.string().nullish(),
  mac_address: z.string().nullish(),
  portid: z.string().nullish(),
});

export const WireServer = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  status: z.string(),
  task_state: z.string().nullish(),
  // The table says regionId, both examples regionID (A58).
  regionID: z.string().nullish(),
  regionId: z.string().nullish(),
  availability_zone: z.string().nullish(),
  image: z.looseObject({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
  flavor: z.looseObject({ original_name: z.string().nullish() }).nullish(),
  nics: z.array(WireNic).nullish(),
  eip: z.looseObject({ ip_addr: z.string().nullish() }).nullish(),
  created: z.string().nullish(),
});
export type WireServer = z.infer<typeof WireServer>;

/** Op 1's `data`: `totalCount` (not in the table, present in the example) and the page. */
export const WireServerPage = z.looseObject({
  totalCount: WireNumber.optional(),
  servers: z.array(WireServer).nullish(),
});
export type WireServerPage = z.infer<typeof WireServerPage>;

/** Op 2's `data`. */
export const WireServerDetail = z.looseObject({ server: WireServer });

/** Op 10's `data`. */
export const WireTags = z.looseObject({ tags: z.array(z.string()).nullish() });

/** Op 9's `data`. */
export const WireConsole = z.looseObject({
  console: z.looseObject({ url: z.string().min(1), type: z.string().nullish() }),
});

export const WireImage = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  status: z.string().nullish(),
  visibility: z.string().nullish(),
  description: z.string().nullish(),
  system: z.string().nullish(),
  systemType: z.string().nullish(),
  // A string in op 13's table, arrays in every example.
  tags: z.union([z.array(z.string()), z.string()]).nullish(),
  container_format: z.string().nullish(),
  disk_format: z.string().nullish(),
  size: WireNumber.nullish(),
  min_disk: WireNumber.nullish(),
  min_ram: WireNumber.nullish(),
  // A string in op 13's table, a boolean in op 14's and in the examples.
  protected: z.union([z.boolean(), z.string()]).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  instance_uuid: z.string().nullish(),
  owner: z.string().nullish(),
});
export type WireImage = z.infer<typeof WireImage>;

/** Ops 13 and 14's `data`. */
export const WireImagePage = z.looseObject({
  totalCount: WireNumber.optional(),
  images: z.array(WireImage).nullish(),
});

/** Op 12's `data`. */
export const WireImageCreated = z.looseObject({ image_id: z.string().min(1) });

/** Op 17's `data`: a free-text summary (A52). */
export const WireBatchDeleted = z.looseObject({ status: z.string().nullish() }).nullish();

const OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;
/** China Standard Time, for the document's zone-less times (A55). */
const CST_OFFSET_MIN = 8 * 60;

/**
 * The document's time formats (catalog §2.8, A55): `2012-08-20T21:11:09Z`,
 * `2018-09-07T12:14:25.000+0000` (colon-less offset, which Date.parse does not read
 * everywhere) and zone-less `2019-05-08 16:53:27`, read as China Standard Time.
 */
export function parseInspurTime(value: string | null | undefined): Date | null {
  const m = value ? OFFSET.exec(value.trim()) : null;
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  let offsetMin = CST_OFFSET_MIN;
  if (zone === 'Z') offsetMin = 0;
  else if (zone) {
    const digits = zone.replace(':', '');
    offsetMin = (digits.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  const at = new Date(local - offsetMin * 60_000);
  // Reject impossible dates (2019-02-30, 25:00) that Date.UTC would roll over.
  const c = new Date(local);
  const exact =
    c.getUTCMonth() === Number(mo) - 1 &&
    c.getUTCDate() === Number(d) &&
    c.getUTCHours() === Number(h) &&
    c.getUTCMinutes() === Number(mi) &&
    c.getUTCSeconds() === Number(s);
  return exact ? at : null;
}
