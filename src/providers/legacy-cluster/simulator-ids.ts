/**
 * Identities the simulated backends hand out (A20, A23): instance ids in each cloud's own
 * spelling, private addresses inside the subnet's CIDR (a 10.x inner address on Aliyun's
 * classic network), public addresses from the backend's pool, and generated key files. Every
 * draw comes from the engine's seeded streams, so a seed replays the same ids.
 */
import type { Random } from '../../sim/index.ts';
import type { BackendSeed } from './simulator-seed.ts';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function alnum(rnd: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[rnd.int(0, ALNUM.length - 1)];
  return out;
}

/** `i-` + 20 lowercase alphanumerics (Aliyun, and the broker's own ids for physical machines). */
export function instanceIdFor(style: BackendSeed['idStyle'], rnd: Random): string {
  switch (style) {
    case 'aliyun':
      return `i-${alnum(rnd, 20)}`;
    case 'aws':
      return `i-0${rnd.hex(16)}`;
    case 'uuid':
      return rnd.uuid();
  }
}

const ipToInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A free host address of the CIDR (network and broadcast addresses excluded). */
export function addressIn(cidr: string, rnd: Random, used: Set<string>): string {
  const [base = '10.0.0.0', bits = '24'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipToInt(base) - (ipToInt(base) % size);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const ip = intToIp(start + rnd.int(1, Math.max(1, size - 2)));
    if (!used.has(ip)) {
      used.add(ip);
      return ip;
    }
  }
  throw new Error(`no free address left in ${cidr}`);
}

/** A free address under a two-octet prefix such as `101.201`. */
export function addressUnder(prefix: string, rnd: Random, used: Set<string>): string {
  return addressIn(`${prefix}.0.0/16`, rnd, used);
}

/** A PEM-looking private key; its body is seeded noise, not a usable key. */
export function generateKey(rnd: Random): string {
  const body = Buffer.from(rnd.hex(1024), 'hex').toString('base64');
  const lines = body.match(/.{1,64}/g) ?? [];
  return ['-----BEGIN RSA PRIVATE KEY-----', ...lines, '-----END RSA PRIVATE KEY-----', ''].join('\n');
}
