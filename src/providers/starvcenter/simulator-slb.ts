/**
 * Load balancers: #67 search, #68 add, #69 modify (the document's path `cloud slb/modify` without
 * its space), #70 delete, #71/#72 enable/disable, #73 HTTPS certificate. A34: an SLB lives on a
 * cloud router (`slb.vmid`); its id is `slb_<router VM id>` (L3180), `_2`, `_3`… for more on one
 * router; protocols are read in either case and shown in lower case (D19); certificates and
 * keys are checked for PEM markers and never shown again.
 */
import { z } from 'zod';
import { type Rec, type SvcContext, vmOf } from './simulator-context.ts';
import { ipUse, poolIp } from './simulator-nat.ts';
import { checkQuota } from './simulator-quota.ts';
import type { SlbAttrs } from './simulator-records.ts';
import { routerOf } from './simulator-routers.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { addRealnode, RealnodeFields } from './simulator-realnodes.ts';
import { PAGE_FIELDS, bool, exact, f, fuzzy, normaliseKeys, paged, refuse, wireTime } from './simulator-wire.ts';

const PROTOCOLS = ['tcp', 'udp', 'http', 'https'] as const;
const POLICIES = ['rr', 'wrr', 'wlc'] as const;

export function renderSlb(s: Rec<SlbAttrs>): Record<string, string> {
  const a = s.attrs;
  return {
    'slb.id': s.id,
    'slb.name': s.name,
    'slb.desc': a.desc,
    'slb.createtime': wireTime(s.createdAt),
    'slb.appid': s.tenant ?? '',
    'slb.vmid': a.routerId,
    'slb.protocal.type': a.protocol,
    'slb.network.type': a.networkType,
    'slb.directip': a.directIp,
    'slb.directip.self': bool(a.directIpSelf),
    'slb.directport': String(a.directPort),
    'slb.realport': String(a.realPort),
    'slb.enable': bool(a.enable),
    'slb.http.urlpath': a.urlPath,
    'slb.https.cert.enable': bool(a.certEnabled),
    'slb.policy.type': a.policy,
    'slb.health.retrytime': String(a.retryTime),
    'slb.health.check.interval': String(a.checkInterval),
    'slb.health.check.timeout': String(a.checkTimeout),
    'slb.health.emptylink.timeout': String(a.emptyLinkTimeout),
    'slb.health.check.path': a.checkPath,
    'slb.maxoccurs': String(a.maxOccurs),
  };
}

export function slbOf(ctx: SvcContext, tenant: string, id: string): Rec<SlbAttrs> {
  const s = ctx.store.slb.get(id, tenant);
  if (!s || s.tenant !== tenant) return refuse(`SLB ${id} does not exist`);
  return s;
}

/** Fields #68 and #69 share, with the documented ranges (maxoccurs 10–10000, D19). */
const Tunables = {
  'slb.name': f.name(128),
  'slb.desc': f.name(256),
  'slb.directip': f.ip(),
  'slb.directip.self': f.flag(),
  'slb.directport': f.int(50, 65535),
  'slb.policy.type': f.choice(POLICIES),
  'slb.health.retrytime': f.int(2, 10),
  'slb.health.check.interval': f.int(1, 50),
  'slb.health.check.timeout': f.int(1, 300),
  'slb.health.emptylink.timeout': f.int(1, 120),
  'slb.health.check.path': f.name(256),
  'slb.maxoccurs': f.int(10, 10000),
};

const AddInput = z.object({
  ...Tunables,
  'slb.name': f.reqName(128),
  'slb.appid': f.reqText(),
  'slb.protocal.type': f.reqChoice(PROTOCOLS, true),
  'slb.network.type': f.reqChoice(['outter', 'inner'] as const),
  'slb.directip': f.reqIp(),
  'slb.directport': f.reqInt(50, 65535),
  'slb.realport': f.int(1, 65535),
  'slb.vmid': f.reqText(),
  'slb.http.urlpath': f.name(256),
  'slb.https.cert.text': f.text(),
  'slb.https.cert.key': f.text(),
  realnode: z.array(z.record(z.string(), z.unknown()), { error: 'must be a JSON array of objects' }).optional(),
});

const CERT = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;
const KEY = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (?:RSA |EC )?PRIVATE KEY-----/;

function checkPem(cert: string | undefined, key: string | undefined): void {
  if (!cert || !CERT.test(cert)) refuse('Parameter slb.https.cert.text must be a PEM certificate');
  if (!key || !KEY.test(key)) refuse('Parameter slb.https.cert.key must be a PEM private key');
}

/**
 * A34: an external frontend is a pool IP of the tenant; an exclusive one (`slb.directip.self`)
 * shares it with nothing, a shared one only with other shared frontends.
 */
function claimFrontend(ctx: SvcContext, tenant: string, ip: string, self: boolean, type: string, skip?: string): void {
  if (type !== 'outter') return;
  poolIp(ctx, ip);
  const use = ipUse(ctx, ip);
  const sharers = use.slbs.filter((s) => s.id !== skip);
  if (
    use.natWhole ||
    sharers.some((s) => s.attrs.directIpSelf) ||
    (self && (sharers.length > 0 || use.ports.length > 0))
  )
    refuse(`Frontend IP ${ip} is already in use`);
  if (use.owner !== null && use.owner !== tenant) refuse(`Frontend IP ${ip} is used by another tenant`);
  if (use.owner === null) checkQuota(ctx, tenant, { outerip: 1 });
}

const SlbId = z.object({ 'slb.id': f.reqText() });

export const SLB_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudslb.search',
    method: 'POST',
    path: 'cloudslb/search',
    input: z.object({
      'slb.id': f.text(),
      'slb.name': f.text(),
      'slb.appid': f.text(),
      'slb.enable': f.flag(),
      'slb.protocal.type': f.choice(PROTOCOLS, true),
      'slb.network.type': f.choice(['outter', 'inner'] as const),
      'slb.directip': f.text(),
      'slb.directport': f.text(),
      'search.orderby': f.choice(['createtime', 'name'] as const),
      ...PAGE_FIELDS,
    }),
    handle(ctx, { input: p, tenant }) {
      const enable = p['slb.enable'];
      const rows = ctx.store.slb
        .list(tenant)
        .filter(
          (s) =>
            exact(s.id, p['slb.id']) &&
            fuzzy(s.name, p['slb.name']) &&
            exact(s.tenant ?? '', p['slb.appid']) &&
            (enable === undefined || s.attrs.enable === enable) &&
            exact(s.attrs.protocol, p['slb.protocal.type']?.toLowerCase()) &&
            exact(s.attrs.networkType, p['slb.network.type']) &&
            exact(s.attrs.directIp, p['slb.directip']) &&
            exact(String(s.attrs.directPort), p['slb.directport']),
        );
      if (p['search.orderby'] === 'name')
        rows.sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt);
      const page = paged(rows, p);
      return { data: page.data.map(renderSlb), dataCount: page.dataCount };
    },
  }),
  defineOp({
    op: 'cloudslb.add',
    method: 'POST',
    path: 'cloudslb/add',
    input: AddInput,
    handle(ctx, { input: p, tenant }) {
      if (p['slb.appid'] !== tenant) refuse('Parameter slb.appid must be the tenant of the token');
      const router = routerOf(ctx, tenant, p['slb.vmid']);
      const protocol = p['slb.protocal.type'].toLowerCase() as SlbAttrs['protocol'];
      if (protocol === 'https') checkPem(p['slb.https.cert.text'], p['slb.https.cert.key']);
      const self = p['slb.directip.self'] ?? true;
      claimFrontend(ctx, tenant, p['slb.directip'], self, p['slb.network.type']);
      const nodes = (p.realnode ?? []).map((item, i) => {
        const parsed = RealnodeFields.safeParse(normaliseKeys(item));
        if (!parsed.success) return refuse(`Parameter realnode.${i} is invalid: ${parsed.error.issues[0]?.message}`);
        vmOf(ctx, tenant, parsed.data['realnode.vmid']);
        return parsed.data;
      });
      const taken = new Set(ctx.store.slb.list(null).map((s) => s.id));
      let id = `slb_${router.id}`;
      for (let k = 2; taken.has(id); k++) id = `slb_${router.id}_${k}`;
      const urlPath = p['slb.http.urlpath'] ?? '/';
      const slb = ctx.store.slb.add(
        tenant,
        p['slb.name'],
        {
          desc: p['slb.desc'] ?? '',
          routerId: router.id,
          protocol,
          networkType: p['slb.network.type'],
          directIp: p['slb.directip'],
          directIpSelf: self,
          directPort: p['slb.directport'],
          realPort: p['slb.realport'] ?? p['slb.directport'],
          enable: true,
          urlPath,
          certEnabled: protocol === 'https',
          policy: p['slb.policy.type'] ?? 'rr',
          retryTime: p['slb.health.retrytime'] ?? 3,
          checkInterval: p['slb.health.check.interval'] ?? 5,
          checkTimeout: p['slb.health.check.timeout'] ?? 5,
          emptyLinkTimeout: p['slb.health.emptylink.timeout'] ?? 60,
          checkPath: p['slb.health.check.path'] ?? urlPath,
          maxOccurs: p['slb.maxoccurs'] ?? 1000,
        },
        id,
      );
      for (const n of nodes) addRealnode(ctx, tenant, slb.id, n);
      return { data: { 'slb.id': slb.id } };
    },
  }),
  defineOp({
    op: 'cloudslb.modify',
    method: 'PUT',
    path: 'cloudslb/modify',
    input: z.object({ 'slb.id': f.reqText(), ...Tunables }),
    handle(ctx, { input: p, tenant }) {
      const s = slbOf(ctx, tenant, p['slb.id']);
      const a = s.attrs;
      const ip = p['slb.directip'] ?? a.directIp;
      const self = p['slb.directip.self'] ?? a.directIpSelf;
      if (ip !== a.directIp || self !== a.directIpSelf) claimFrontend(ctx, tenant, ip, self, a.networkType, s.id);
      if (p['slb.name'] !== undefined) s.name = p['slb.name'];
      Object.assign(a, {
        desc: p['slb.desc'] ?? a.desc,
        directIp: ip,
        directIpSelf: self,
        directPort: p['slb.directport'] ?? a.directPort,
        policy: p['slb.policy.type'] ?? a.policy,
        retryTime: p['slb.health.retrytime'] ?? a.retryTime,
        checkInterval: p['slb.health.check.interval'] ?? a.checkInterval,
        checkTimeout: p['slb.health.check.timeout'] ?? a.checkTimeout,
        emptyLinkTimeout: p['slb.health.emptylink.timeout'] ?? a.emptyLinkTimeout,
        checkPath: p['slb.health.check.path'] ?? a.checkPath,
        maxOccurs: p['slb.maxoccurs'] ?? a.maxOccurs,
      });
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudslb.delete',
    method: 'DELETE',
    path: 'cloudslb/{slbid}',
    handle(ctx, { params, tenant }) {
      const s = slbOf(ctx, tenant, params.slbid ?? '');
      for (const n of ctx.store.realnode.list(tenant)) if (n.attrs.slbId === s.id) ctx.store.realnode.remove(n.id);
      ctx.store.slb.remove(s.id);
      return { data: '' };
    },
  }),
  ...(['start', 'stop'] as const).map((action) =>
    defineOp({
      op: `cloudslb.${action}`,
      method: 'POST',
      path: `cloudslb/${action}`,
      input: SlbId,
      handle(ctx, { input: p, tenant }) {
        slbOf(ctx, tenant, p['slb.id']).attrs.enable = action === 'start';
        return { data: '' };
      },
    }),
  ),
  defineOp({
    op: 'cloudslb.https.cert.conf',
    method: 'PUT',
    path: 'cloudslb/https/cert/conf',
    input: z.object({ 'slb.id': f.reqText(), 'slb.https.cert.text': f.reqText(), 'slb.https.cert.key': f.reqText() }),
    handle(ctx, { input: p, tenant }) {
      const s = slbOf(ctx, tenant, p['slb.id']);
      if (s.attrs.protocol !== 'https') refuse(`SLB ${s.id} does not serve HTTPS`);
      checkPem(p['slb.https.cert.text'], p['slb.https.cert.key']);
      s.attrs.certEnabled = true;
      return { data: '' };
    },
  }),
];
