/** IPv4 CIDR arithmetic for the simulator's VPC and switch rules (pure). */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  mask: number;
}

export function parseIp(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function ipText(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** A CIDR whose host bits are zero (`10.0.0.0/8`); anything else is null (A21). */
export function parseCidr(text: string): Cidr | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const base = parseIp(m[1] ?? '');
  const mask = Number(m[2]);
  if (base === null || mask > 32) return null;
  if (base % blockSize(mask) !== 0) return null;
  return { base, mask };
}

export function blockSize(mask: number): number {
  return 2 ** (32 - mask);
}

export function cidrText(c: Cidr): string {
  return `${ipText(c.base)}/${c.mask}`;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.mask >= outer.mask && inner.base >= outer.base && inner.base < outer.base + blockSize(outer.mask);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** The private ranges a VPC must lie in (the document's VPC notes). */
export const PRIVATE_RANGES: Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(
  (t) => parseCidr(t) as Cidr,
);

/** Addresses a switch hands out: all but the first and the last three (the document's switch notes). */
export function usableHosts(c: Cidr): number {
  return Math.max(0, blockSize(c.mask) - 4);
}

/** The n-th usable address (0-based) of a switch. */
export function hostAt(c: Cidr, n: number): number {
  return c.base + 1 + n;
}

/** The gateway shown for a switch: the address before the last (`.254` of a /24, as the template shows). */
export function gatewayOf(c: Cidr): string {
  return ipText(c.base + blockSize(c.mask) - 2);
}
