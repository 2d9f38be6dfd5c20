/**
 * How the legacy cluster simulator says "no" (A2, A3, A39 of the header): every refusal of
 * the broker is an HTTP 200 envelope; only what a gateway in front of it would say (5xx, 429,
 * 504, an auth header it wants) and a path no route matches use other HTTP statuses.
 * A `refuse` fault without a code answers the operation's own documented failure.
 */
import { type PlatformErrorInput, statusText } from '../../sim/index.ts';
import { CODE, type Envelope, MSG, failure } from './simulator-context.ts';

interface Failure {
  code: number;
  msg: string;
  content?: unknown;
}

const DRIVER: Failure = { code: CODE.serviceError, msg: MSG.unknownDriver };

/** The documented failure of each operation (the simulator's own wording where the document has none). */
const OP_FAILURE: Record<string, Failure> = {
  'cluster.list': { code: CODE.serviceError, msg: MSG.noRow },
  'cluster.get': { code: CODE.serviceError, msg: MSG.noRow },
  'cluster.create': { code: CODE.serviceError, msg: MSG.createCluster },
  'cluster.delete': { code: CODE.serviceError, msg: MSG.deleteCluster },
  'cluster.expand': { code: CODE.serviceError, msg: MSG.noRow },
  'cluster.number': { code: CODE.serviceError, msg: MSG.counts },
  'cluster.oldnumber': { code: CODE.serviceError, msg: MSG.countsAt },
  'instance.create': { code: CODE.serviceError, msg: 'create instance err' },
  'instance.get': { code: CODE.serviceError, msg: MSG.getOne },
  'instance.start': { code: CODE.serviceError, msg: MSG.start, content: false },
  'instance.status': { code: CODE.serviceError, msg: MSG.status, content: false },
  'instance.update_status': { code: CODE.serviceError, msg: MSG.updateStatus, content: false },
  'instance.delete': { code: CODE.serviceError, msg: 'delete instance err' },
  'instance.sshkey_download': { code: CODE.missing, msg: MSG.noRow },
  'instance.sshkey_upload': { code: CODE.missing, msg: MSG.noRow },
  'catalog.providers': { code: CODE.missing, msg: MSG.noRow },
  'catalog.regions': DRIVER,
  'catalog.zones': DRIVER,
  'catalog.vpcs': DRIVER,
  'catalog.subnets': DRIVER,
  'catalog.instance_types': DRIVER,
  'catalog.charge_types': DRIVER,
  'catalog.disk_categories': DRIVER,
  'catalog.images': DRIVER,
  'catalog.security_groups': DRIVER,
  'instance.list': { code: CODE.serviceError, msg: MSG.listAll },
  'instance.list_cluster': { code: CODE.serviceError, msg: MSG.listAll },
  // A3: the documented failures with code 0.
  'instance.log_correlation': { code: CODE.ok, msg: MSG.toJson },
  'instance.log': { code: CODE.ok, msg: MSG.toJson },
  'instance.upload': { code: CODE.ok, msg: MSG.toJson },
  'instance.register': { code: CODE.input, msg: MSG.input },
  'instance.openstack': { code: CODE.input, msg: MSG.input },
};

const GATEWAY_KINDS = new Set(['http_error', 'timeout', 'rate_limit']);

const codeOf = (raw: string | undefined): number | undefined =>
  raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : undefined;

export function legacyErrorStatus(e: PlatformErrorInput): number {
  if (GATEWAY_KINDS.has(e.kind) || e.kind === 'auth') return e.status;
  if (e.kind === 'not_found' && e.op === undefined) return 404;
  return 200;
}

export function renderLegacyError(e: PlatformErrorInput): Envelope | string {
  // Go's router answers an unknown path in plain text.
  if (e.kind === 'not_found' && e.op === undefined) return '404 page not found';
  if (e.kind === 'auth') return failure(e.status, e.message ?? statusText(e.status));
  if (GATEWAY_KINDS.has(e.kind)) return failure(codeOf(e.code) ?? CODE.serviceError, e.message ?? statusText(e.status));
  if (e.op === undefined) return failure(CODE.input, MSG.input);
  const f = OP_FAILURE[e.op] ?? { code: CODE.serviceError, msg: 'SERVICE_ERROR' };
  return failure(codeOf(e.code) ?? f.code, e.message ?? f.msg, f.content ?? null);
}

/** A malformed 200: a truncated envelope, or one whose fields are not the envelope's. */
export function renderLegacyMalformed(mode: 'invalid_json' | 'wrong_shape'): string {
  return mode === 'invalid_json'
    ? '{"code":0,"msg":null,"content":[{"Id":1,"InstanceId":"i-2ze'
    : '{"code":"SERVICE_SUCCESS","msg":0,"content":{"unexpected":true}}';
}
