/**
 * What the StarVCenter simulator's route modules share: the engine, the job runner, and typed
 * views of the engine's catalog store, which holds every resource that is not a VM (tenants,
 * networks, NICs, disks, backups, routers, SLBs, security groups…) as one generic record kind
 * per resource.
 */
import type { CatalogRecord, SimEngine, SimInstance } from '../../sim/index.ts';
import type { JobRunner } from './simulator-jobs.ts';
import type {
  AclAttrs,
  AlarmAttrs,
  BackupAttrs,
  DictAttrs,
  DiskAttrs,
  HostAttrs,
  NatAttrs,
  NetworkAttrs,
  NicAttrs,
  OuterIpAttrs,
  RealnodeAttrs,
  RetryAttrs,
  RouterAttrs,
  SgAttrs,
  SgRuleAttrs,
  SlbAttrs,
  StorageAttrs,
  TemplateAttrs,
  TenantAttrs,
} from './simulator-records.ts';
import { refuse } from './simulator-wire.ts';

export type Rec<A> = Omit<CatalogRecord, 'attrs'> & { attrs: A };

export interface RecordStore<A> {
  add(tenant: string | null, name: string, attrs: A, id?: string): Rec<A>;
  get(id: string, tenant: string | null): Rec<A> | undefined;
  /** Shared records first, then the tenant's, each in creation order. */
  list(tenant: string | null): Rec<A>[];
  remove(id: string): void;
}

export interface Stores {
  tenant: RecordStore<TenantAttrs>;
  network: RecordStore<NetworkAttrs>;
  nic: RecordStore<NicAttrs>;
  disk: RecordStore<DiskAttrs>;
  backup: RecordStore<BackupAttrs>;
  snapshot: RecordStore<BackupAttrs>;
  dict: RecordStore<DictAttrs>;
  template: RecordStore<TemplateAttrs>;
  host: RecordStore<HostAttrs>;
  storage: RecordStore<StorageAttrs>;
  alarm: RecordStore<AlarmAttrs>;
  outerIp: RecordStore<OuterIpAttrs>;
  nat: RecordStore<NatAttrs>;
  acl: RecordStore<AclAttrs>;
  router: RecordStore<RouterAttrs>;
  slb: RecordStore<SlbAttrs>;
  realnode: RecordStore<RealnodeAttrs>;
  sg: RecordStore<SgAttrs>;
  sgRule: RecordStore<SgRuleAttrs>;
  retry: RecordStore<RetryAttrs>;
}

/** Resource-pool totals (#63), the ceiling of every tenant quota. */
export interface PoolQuota {
  cpu: number;
  memory: number;
  storage: number;
  ip: number;
}

export interface SvcContext {
  engine: SimEngine;
  jobs: JobRunner;
  pool: PoolQuota;
  store: Stores;
  /** A new opaque id: 32 lowercase hex digits from the seeded id stream. */
  newId(): string;
}

function recordStore<A>(engine: SimEngine, kind: string): RecordStore<A> {
  const cast = (r: CatalogRecord | undefined) => r as unknown as Rec<A> | undefined;
  return {
    add(tenant, name, attrs, id) {
      const rec: CatalogRecord = {
        id: id ?? engine.random('ids').hex(32),
        kind,
        tenant,
        name,
        createdAt: engine.clock.now(),
        attrs: attrs as unknown as Record<string, unknown>,
      };
      return engine.catalog.put(rec) as unknown as Rec<A>;
    },
    get: (id, tenant) => cast(engine.catalog.get(kind, id, tenant)),
    list: (tenant) => engine.catalog.list(kind, tenant) as unknown as Rec<A>[],
    remove(id) {
      engine.catalog.delete(kind, id, null);
    },
  };
}

export function createStores(engine: SimEngine): Stores {
  const s = <A>(kind: string) => recordStore<A>(engine, `svc.${kind}`);
  return {
    tenant: s('tenant'),
    network: s('network'),
    nic: s('nic'),
    disk: s('disk'),
    backup: s('backup'),
    snapshot: s('snapshot'),
    dict: s('dict'),
    template: s('template'),
    host: s('host'),
    storage: s('storage'),
    alarm: s('alarm'),
    outerIp: s('outerip'),
    nat: s('nat'),
    acl: s('acl'),
    router: s('router'),
    slb: s('slb'),
    realnode: s('realnode'),
    sg: s('sg'),
    sgRule: s('sgrule'),
    retry: s('retry'),
  };
}

/** A VM of the caller's tenant, or the document's failure envelope. */
export function vmOf(ctx: SvcContext, tenant: string, id: string | undefined): SimInstance {
  const inst = id ? ctx.engine.instances.get(tenant, id) : undefined;
  if (!inst) return refuse(`VM ${id ?? ''} does not exist`);
  return inst;
}

export function networkOf(ctx: SvcContext, tenant: string, id: string): Rec<NetworkAttrs> {
  const net = ctx.store.network.get(id, tenant);
  if (!net || net.tenant !== tenant) return refuse(`Private network ${id} does not exist`);
  return net;
}

export function tenantOf(ctx: SvcContext, id: string): Rec<TenantAttrs> {
  return ctx.store.tenant.get(id, null) ?? refuse(`Tenant ${id} does not exist`);
}
