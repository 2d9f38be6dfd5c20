import { z } from 'zod';

/** API key scopes, each including the ones before it: admin ⊃ write ⊃ read. */
export const Scope = z.enum(['read', 'write', 'admin']);
export type Scope = z.infer<typeof Scope>;

const RANK: Record<Scope, number> = { read: 0, write: 1, admin: 2 };

export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.some((s) => RANK[s] >= RANK[needed]);
}

/** Who made a request; recorded on tasks as "who asked". */
export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
}
