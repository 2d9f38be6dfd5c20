/**
 * Non-instance inventory: regions, zones, flavors (instance types), images, networks
 * (VPC, subnet, security group, told apart by `subtype`) and keypairs. Neutral fields plus a
 * platform `attrs` record, so each simulator stores what its wire needs without a schema here.
 * A record with `tenant: null` is shared (public flavors, public images); lists of a tenant
 * return shared records first, then its own.
 */
export type CatalogKind = 'region' | 'zone' | 'flavor' | 'image' | 'network' | 'keypair' | (string & {});

export interface CatalogRecord {
  id: string;
  kind: CatalogKind;
  /** null = visible to every tenant. */
  tenant: string | null;
  name: string;
  /** e.g. 'vpc' | 'subnet' | 'security_group' for networks. */
  subtype?: string;
  createdAt: number;
  attrs: Record<string, unknown>;
}

export interface CatalogStore {
  put(record: CatalogRecord): CatalogRecord;
  get(kind: CatalogKind, id: string, tenant: string | null): CatalogRecord | undefined;
  findByName(kind: CatalogKind, name: string, tenant: string | null): CatalogRecord | undefined;
  list(kind: CatalogKind, tenant: string | null, subtype?: string): CatalogRecord[];
  delete(kind: CatalogKind, id: string, tenant: string | null): boolean;
  clear(): void;
}

export function createCatalogStore(): CatalogStore {
  // kind -> id -> record; Map keeps insertion order, which is the list order.
  const kinds = new Map<string, Map<string, CatalogRecord>>();
  const bucket = (kind: string): Map<string, CatalogRecord> => {
    let b = kinds.get(kind);
    if (!b) {
      b = new Map();
      kinds.set(kind, b);
    }
    return b;
  };
  const visible = (r: CatalogRecord, tenant: string | null): boolean =>
    r.tenant === null || tenant === null || r.tenant === tenant;

  return {
    put(record) {
      bucket(record.kind).set(record.id, record);
      return record;
    },
    get(kind, id, tenant) {
      const r = kinds.get(kind)?.get(id);
      return r && visible(r, tenant) ? r : undefined;
    },
    findByName(kind, name, tenant) {
      for (const r of kinds.get(kind)?.values() ?? []) if (r.name === name && visible(r, tenant)) return r;
      return undefined;
    },
    list(kind, tenant, subtype) {
      const all = [...(kinds.get(kind)?.values() ?? [])].filter(
        (r) => visible(r, tenant) && (subtype === undefined || r.subtype === subtype),
      );
      return [...all.filter((r) => r.tenant === null), ...all.filter((r) => r.tenant !== null)];
    },
    delete(kind, id, tenant) {
      const b = kinds.get(kind);
      const r = b?.get(id);
      if (!b || !r || (tenant !== null && r.tenant !== tenant)) return false;
      return b.delete(id);
    },
    clear() {
      kinds.clear();
    },
  };
}
