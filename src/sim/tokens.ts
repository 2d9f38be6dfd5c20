/**
 * Bearer-style tokens for platforms with a login (H3C Keystone, StarVCenter KEY_TOKEN):
 * static tokens from configuration plus tokens issued by a login, each bound to a tenant and
 * expiring after a TTL. Expiry is checked on use (lazy); a control call can expire them all
 * so a client's re-login path can be exercised.
 */
import type { Clock } from './clock.ts';
import type { Random } from './random.ts';

export interface TokenInfo {
  token: string;
  tenant: string;
  user: string;
  issuedAt: number;
  /** null = never expires (static tokens). */
  expiresAt: number | null;
}

export type TokenCheck = { ok: true; info: TokenInfo } | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

export interface TokenStore {
  addStatic(token: string, tenant: string, user?: string): void;
  issue(input: { tenant: string; user: string; ttlMs: number }): TokenInfo;
  verify(token: string | undefined): TokenCheck;
  /** Every token handed out by a login so far (tests prove none of them leaks). */
  issuedTokens(): string[];
  /** Make every issued token expired now (static ones stay valid). */
  expireAll(): number;
  /** Forget every issued token (they become unknown). */
  revokeAll(): number;
  clear(): void;
}

export function createTokenStore(deps: { clock: Clock; ids: Random }): TokenStore {
  const statics = new Map<string, TokenInfo>();
  const issued = new Map<string, TokenInfo>();
  return {
    addStatic(token, tenant, user = 'static') {
      statics.set(token, { token, tenant, user, issuedAt: deps.clock.now(), expiresAt: null });
    },
    issue({ tenant, user, ttlMs }) {
      const now = deps.clock.now();
      const info: TokenInfo = {
        token: `gAAAA${deps.ids.hex(59)}`,
        tenant,
        user,
        issuedAt: now,
        expiresAt: now + ttlMs,
      };
      issued.set(info.token, info);
      return info;
    },
    verify(token) {
      if (!token) return { ok: false, reason: 'missing' };
      const info = statics.get(token) ?? issued.get(token);
      if (!info) return { ok: false, reason: 'unknown' };
      if (info.expiresAt !== null && info.expiresAt <= deps.clock.now()) return { ok: false, reason: 'expired' };
      return { ok: true, info };
    },
    issuedTokens: () => [...issued.keys()],
    expireAll() {
      const now = deps.clock.now();
      for (const info of issued.values()) info.expiresAt = Math.min(info.expiresAt ?? now, now);
      return issued.size;
    },
    revokeAll() {
      const n = issued.size;
      issued.clear();
      return n;
    },
    clear() {
      statics.clear();
      issued.clear();
    },
  };
}
