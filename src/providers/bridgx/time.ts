/**
 * BridgX times (A48). Answers carry Go's `time.Time.String()` form, `2021-11-02 06:09:38 +0800
 * CST`, whose offset is honoured; field tables also show zone-less stamps (read as China time,
 * +08:00, the zone of every example), ISO 8601, and dates with dots and full-width colons
 * (`2021.10.29  18：25：13`, D25). Calendar days of the cost API are days in +08:00 (D16).
 */

/** The platform's zone: China Standard Time, as every stamp of the document shows. */
export const PLATFORM_OFFSET_MINUTES = 8 * 60;

const STAMP =
  /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?(?:\s+[A-Za-z]{1,6})?$/;

/** Reads a BridgX timestamp; "" and Go's zero time are null, as is anything unreadable. */
export function parseBridgxTime(raw: string | null | undefined): Date | null {
  const text = raw?.trim();
  if (!text) return null;
  const m = STAMP.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  if (Number(y) < 1971) return null;
  let offset = PLATFORM_OFFSET_MINUTES;
  if (zone === 'Z') offset = 0;
  else if (zone) {
    const digits = zone.replace(':', '');
    offset = (digits.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  const ms = Number(`0.${frac || '0'}`) * 1000;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.round(ms));
  const at = new Date(utc - offset * 60_000);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The calendar day (YYYY-MM-DD) of an instant in the platform's zone. */
export function platformDay(at: Date): string {
  return new Date(at.getTime() + PLATFORM_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A range bound as a platform day: a date is taken as it is, an instant by its day in +08:00. */
export function toPlatformDay(bound: string): string | null {
  if (DAY.test(bound)) return Number.isNaN(Date.parse(`${bound}T00:00:00Z`)) ? null : bound;
  const at = Date.parse(bound);
  return Number.isNaN(at) ? null : platformDay(new Date(at));
}

/** Every day from `from` to `to`, both included (YYYY-MM-DD). */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
