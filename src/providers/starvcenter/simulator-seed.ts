/**
 * Seed data of the StarVCenter simulator, with fixed ids so tests and a demo account can name
 * them: two tenants with their tokens, private networks, the VM type/model dictionary, one VM
 * template, physical hosts, storage pools, alarms, the external IP pool and a security group.
 */
import type { SvcContext } from './simulator-context.ts';
import type { Quota } from './simulator-records.ts';

/** Resource-pool totals (#63 `resourcequota/search`). */
export const DEMO_POOL = { cpu: 32768, memory: 67_108_864, storage: 2_000_000, ip: 20 } as const;

/**
 * The demo tenant ("app"). Its token goes in the `KEY_TOKEN` header; the tenant id is `app.id`
 * / `tenantId` / `tenant.id` in the quota operations. Quotas are large enough for a 1,000-VM
 * benchmark of small machines.
 */
export const DEMO_TENANT = {
  id: 'app-demo',
  name: 'demo',
  token: 'starvcenter-demo-token',
  quota: { cpu: 16384, memory: 33_554_432, storage: 1_000_000, portgroup: 20, outerip: 10 } satisfies Quota,
} as const;

/** A second tenant with small quotas, for isolation and quota-refusal tests. */
export const DEMO_OTHER_TENANT = {
  id: 'app-other',
  name: 'other',
  token: 'starvcenter-other-token',
  quota: { cpu: 8, memory: 16384, storage: 500, portgroup: 2, outerip: 1 } satisfies Quota,
} as const;

export interface NetworkSeed {
  id: string;
  tenant: string;
  name: string;
  cidr: string;
  gateway: string;
}

/**
 * Private networks (`vpc.id` = `vnic.portgroupid` = `portgroup.id`). The demo app network is a
 * /16 so a large expand never runs out of addresses; networks made by #22 get a /24.
 */
export const DEMO_NETWORKS: readonly NetworkSeed[] = [
  { id: 'pg-demo-app', tenant: DEMO_TENANT.id, name: 'demo-app', cidr: '10.20.0.0/16', gateway: '10.20.0.1' },
  { id: 'pg-demo-db', tenant: DEMO_TENANT.id, name: 'demo-db', cidr: '192.168.20.0/24', gateway: '192.168.20.1' },
  {
    id: 'pg-other-app',
    tenant: DEMO_OTHER_TENANT.id,
    name: 'other-app',
    cidr: '192.168.30.0/24',
    gateway: '192.168.30.1',
  },
];

export interface ModelSeed {
  /** `vm.tenant.mode` in #18, `vm.tenant.model` at create. */
  code: string;
  name: string;
  /** `vm.tenant.type`. */
  type: string;
  /** Whether its guest agent runs, i.e. soft shutdown and OS reboot work (A20). */
  agent: boolean;
}

/** VM types (`vm.tenant.type` / `vm.tenant.typename`) of the model dictionary. */
export const DEMO_MODEL_TYPES = [
  { code: 'tenant_app_model', name: 'Application server' },
  { code: 'tenant_db_model', name: 'Database' },
  { code: 'tenant_cache_model', name: 'Cache server' },
  { code: 'tenant_system_model', name: 'Operating system' },
] as const;

/** VM models: the image catalog of this platform. `win-2022` has no guest agent. */
export const DEMO_MODELS: readonly ModelSeed[] = [
  { code: 'centos-7-9', name: 'CENTOS_7_9', type: 'tenant_system_model', agent: true },
  { code: 'ubuntu-22-04', name: 'UBUNTU_22_04', type: 'tenant_system_model', agent: true },
  { code: 'win-2022', name: 'WIN_2022', type: 'tenant_system_model', agent: false },
  { code: 'k8s-1-16-8', name: 'K8S_1_16_8', type: 'tenant_app_model', agent: true },
  { code: 'weblogic-12c', name: 'WEBLOGIC_12C', type: 'tenant_app_model', agent: true },
  { code: 'mysql-8-0', name: 'MYSQL_8_0', type: 'tenant_db_model', agent: true },
  { code: 'redis-6-2', name: 'REDIS_6_2', type: 'tenant_cache_model', agent: true },
];

/** VM templates (`vm.template.id`): no operation lists them (D22), so they are named here. */
export const DEMO_TEMPLATES = [{ id: 'tpl-centos7-golden', name: 'centos7-golden', model: 'centos-7-9' }] as const;

/** Physical hosts (#78); VMs are placed on the running ones in turn. */
export const DEMO_HOSTS = [
  { id: 'host-kvm-01', name: 'kvm-01', address: '10.0.0.11', state: '1' },
  { id: 'host-kvm-02', name: 'kvm-02', address: '10.0.0.12', state: '1' },
  { id: 'host-kvm-03', name: 'kvm-03', address: '10.0.0.13', state: '2' },
] as const;

/** Storage pools (#80); `st-ceph-01` is the Ceph pool #38 needs for `volume` disks. */
export const DEMO_STORAGES = [
  { id: 'st-nfs-01', name: 'nfs-main', type: 'NFS', useType: 'main', fileType: 'file' },
  { id: 'st-ceph-01', name: 'ceph-rbd', type: 'CEPH', useType: 'main', fileType: 'network' },
  { id: 'st-iscsi-01', name: 'iscsi-backup', type: 'ISCSI', useType: 'seconds', fileType: 'block' },
] as const;

/** External IPs for NAT and SLB frontends (#66): 203.0.113.10 – 203.0.113.29. */
export const DEMO_OUTER_IPS = Array.from({ length: 20 }, (_, i) => `203.0.113.${10 + i}`);

/** The demo tenant's security group. */
export const DEMO_SECURITY_GROUP = { id: 'sg-demo-default', name: 'default' } as const;

/** Points of the simulated alarm list (#79), relative to the clock at seeding. */
const ALARMS = [
  { level: 'high', objType: 'host', obj: 2, content: 'Host heartbeat lost', agoMs: 3_600_000, relieve: 'none' },
  { level: 'medium', objType: 'host', obj: 0, content: 'CPU usage above 85%', agoMs: 7_200_000, relieve: 'auto' },
  {
    level: 'low',
    objType: 'storage',
    obj: 0,
    content: 'Storage usage above 70%',
    agoMs: 86_400_000,
    relieve: 'manual',
  },
] as const;

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** A network record's address book for a CIDR: the gateway is .1, VMs get .2 onwards. */
export function networkBlock(cidr: string) {
  const [ip, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return { base: ipToNumber(ip ?? '0.0.0.0'), capacity: size - 3 };
}

export function seedTenant(ctx: SvcContext, id: string, name: string, quota: Quota, desc = ''): void {
  ctx.store.tenant.add(null, name, { desc, quota: { ...quota } }, id);
}

export function seedNetwork(ctx: SvcContext, n: NetworkSeed, desc = ''): void {
  const block = networkBlock(n.cidr);
  ctx.store.network.add(
    n.tenant,
    n.name,
    { desc, cidr: n.cidr, gateway: n.gateway, ...block, nextHost: 2, released: [], used: 0, netgate: 'close' },
    n.id,
  );
}

export function seedAll(ctx: SvcContext): void {
  const { store, engine } = ctx;
  const now = engine.clock.now();
  for (const t of [DEMO_TENANT, DEMO_OTHER_TENANT]) {
    seedTenant(ctx, t.id, t.name, t.quota);
    engine.tokens.addStatic(t.token, t.id, t.name);
  }
  for (const n of DEMO_NETWORKS) seedNetwork(ctx, n);
  DEMO_MODEL_TYPES.forEach((t, i) =>
    store.dict.add(
      null,
      t.name,
      { type: 'tenant_type', label: t.name, value: t.code, description: 'VM type' },
      `dict-t${i + 1}`,
    ),
  );
  DEMO_MODELS.forEach((m, i) =>
    store.dict.add(
      null,
      m.name,
      { type: m.type, label: m.name, value: m.code, description: 'VM model' },
      `dict-m${i + 1}`,
    ),
  );
  for (const t of DEMO_TEMPLATES) {
    const model = DEMO_MODELS.find((m) => m.code === t.model);
    store.template.add(null, t.name, { modelCode: t.model, typeCode: model?.type ?? 'tenant_system_model' }, t.id);
  }
  for (const h of DEMO_HOSTS)
    store.host.add(
      null,
      h.name,
      {
        desc: `hypervisor ${h.name}`,
        state: h.state,
        connected: h.state === '1',
        address: h.address,
        authenticated: true,
        maintenance: false,
        osProduct: 'CentOS Linux 7',
        osBit: '64',
        osVersion: '3.10.0-1160.el7.x86_64',
        virtVersion: 'QEMU 6.2.0',
        cpuVendor: 'GenuineIntel',
        cpuCores: 64,
        cpuSockets: 2,
        memGb: 512,
      },
      h.id,
    );
  for (const s of DEMO_STORAGES)
    store.storage.add(
      null,
      s.name,
      {
        desc: `${s.type} pool`,
        type: s.type,
        thin: s.type === 'CEPH',
        sizeGb: 100_000,
        usedGb: 12_000,
        location: s.type === 'CEPH' ? 'rbd:cloudvm' : `/mnt/${s.name}`,
        useType: s.useType,
        fileType: s.fileType,
        ioAuth: 'rw',
        cephMonitors: s.type === 'CEPH' ? '10.0.1.21,10.0.1.22,10.0.1.23' : '',
        cephPool: s.type === 'CEPH' ? 'cloudvm' : '',
      },
      s.id,
    );
  for (const ip of DEMO_OUTER_IPS)
    store.outerIp.add(null, ip, { gateway: '203.0.113.1', netmask: '255.255.255.0' }, ip);
  ALARMS.forEach((a, i) => {
    const obj = a.objType === 'host' ? DEMO_HOSTS[a.obj] : DEMO_STORAGES[a.obj];
    store.alarm.add(
      null,
      a.content,
      {
        type: a.objType === 'host' ? 'host_alarm' : 'storage_alarm',
        level: a.level,
        objId: obj?.id ?? '',
        objName: obj?.name ?? '',
        objType: a.objType,
        content: a.content,
        raisedAt: now - a.agoMs,
        relievedAt: a.relieve === 'none' ? null : now - a.agoMs + 600_000,
        relieveWay: a.relieve,
      },
      `alarm-${i + 1}`,
    );
  });
  store.sg.add(
    DEMO_TENANT.id,
    DEMO_SECURITY_GROUP.name,
    { desc: 'default group', appId: DEMO_TENANT.id },
    DEMO_SECURITY_GROUP.id,
  );
}

/** Whether a model's guest agent runs: seeded models say so, dictionary additions have one. */
export function modelHasAgent(code: string): boolean {
  return DEMO_MODELS.find((m) => m.code === code)?.agent ?? true;
}
