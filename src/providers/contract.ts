/**
 * The one interface every platform adapter implements, and the errors it
 * raises. An adapter implements the operations its platform has and
 * declares them as capabilities; the registry answers every other
 * operation with UnsupportedOperationError (501) before any platform call.
 *
 * Adapters do no waiting: they send a call and report what the platform
 * said. Polling until a machine runs is the task engine's job.
 */
import { z } from 'zod';
import type { Image, InstanceType, Region, Zone } from '../domain/catalog.ts';
import type { FieldError } from '../domain/errors.ts';
import type { Console, ProviderInstance, Tags } from '../domain/instance.ts';
import { StatusMap } from '../domain/instance.ts';
import type { CreateInstanceRequest, MachineSpec } from '../domain/machine-spec.ts';
import type { CreateSecurityGroup, CreateSubnet, CreateVpc, SecurityGroup, Subnet, Vpc } from '../domain/network.ts';
import type { Capability, ListPaging, ProviderKind, ScalingStrategy } from '../domain/providers.ts';
import type { Logger } from '../logger.ts';
import { platformText } from './platform-text.ts';

/** Adapters reach the one text cleaner through the contract (their folder imports nothing else of providers/). */
export { platformText } from './platform-text.ts';

export type ProviderErrorKind =
  'invalid' | 'auth' | 'not_found' | 'conflict' | 'quota' | 'rate_limited' | 'unavailable' | 'timeout' | 'malformed';

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'unavailable', 'timeout']);

/** A code is an identifier, not prose: a short bound. */
const PLATFORM_CODE_MAX = 100;

/**
 * A platform refused or failed. Carries the platform's own code and message, never credentials.
 * Both pass through platformText on the way in (the one place that does it): markup from a proxy's
 * error page is stripped, whitespace collapsed and the length bounded, so whatever an adapter
 * hands over is fit for a problem's detail or a task item's error.
 */
export class ProviderError extends Error {
  readonly providerCode: string | undefined;
  readonly providerMessage: string | undefined;
  constructor(
    readonly provider: ProviderKind,
    readonly operation: string,
    readonly kind: ProviderErrorKind,
    providerCode?: string,
    providerMessage?: string,
    options?: { cause?: unknown; retryAfterMs?: number; httpStatus?: number },
  ) {
    const code = platformText(providerCode, PLATFORM_CODE_MAX);
    const message = platformText(providerMessage);
    super(`${provider} ${operation}: ${kind}${code ? ` ${code}` : ''}${message ? ` ${message}` : ''}`, {
      cause: options?.cause,
    });
    this.name = 'ProviderError';
    this.providerCode = code;
    this.providerMessage = message;
    this.retryAfterMs = options?.retryAfterMs;
    this.httpStatus = options?.httpStatus;
  }
  /** The platform's HTTP status, when it answered at all. */
  readonly httpStatus: number | undefined;
  /** A platform's own hint of when to try again (Retry-After). */
  readonly retryAfterMs: number | undefined;
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** The platform has no such operation (or this adapter does not offer it). Raised before any platform call. */
export class UnsupportedOperationError extends Error {
  constructor(
    readonly provider: ProviderKind,
    readonly operation: Capability,
  ) {
    super(`${provider} does not support ${operation}`);
    this.name = 'UnsupportedOperationError';
  }
}

/** Options every account may set, whatever its platform; each adapter extends this schema. */
export const BaseAccountOptions = z.object({
  /** Overrides of the adapter's status table for this account: raw status → unified. */
  statusMap: StatusMap.optional(),
  /** Per-call timeout towards the platform. */
  timeoutMs: z.number().int().min(100).max(300_000).optional(),
  /** Platform calls in flight for this account across all workers (overrides CLOUDPLANE_ACCOUNT_CONCURRENCY). */
  concurrency: z.number().int().min(1).max(1000).optional(),
  /** Platform calls started per second for this account (overrides CLOUDPLANE_ACCOUNT_RATE_PER_SECOND). */
  ratePerSecond: z.number().int().min(1).max(10_000).optional(),
  /** How long a new machine may take to appear in the platform's lists, if it differs from the adapter's default. */
  listLagMs: z.number().int().min(0).max(600_000).optional(),
});
export type BaseAccountOptions = z.infer<typeof BaseAccountOptions>;

/** The account an adapter acts for, with its credentials already decrypted and parsed. */
export interface AccountContext<Credentials = unknown, Options = unknown> {
  id: string;
  endpoint: string;
  credentials: Credentials;
  options: Options;
}

/** The request an adapter hands the shared HTTP client (src/providers/http.ts). */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path (and query) relative to the endpoint, e.g. `/v2/servers?limit=10`. */
  path: string;
  /** The operation name for metrics and logs, e.g. `instances.create`. */
  operation: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Serialised as JSON with content-type application/json. */
  json?: unknown;
  /** A raw body (form-encoded, Base64 …); the caller sets content-type. */
  body?: string;
  /** Safe to send twice (GET, DELETE of a known id, an action the platform treats idempotently). */
  idempotent: boolean;
  timeoutMs?: number;
  /**
   * Fields written to this call's log line, for ids an operator searches the platform's own
   * logs with (a correlation id the adapter generated). Never secrets.
   */
  logFields?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parses the body as JSON; a body that is not JSON becomes ProviderError('malformed'). */
  json(): unknown;
}

/**
 * What an answer means, for platforms that say "failed" inside an HTTP 200
 * (an envelope with a result code). The shared client retries, counts and
 * logs by this verdict, as it does by the HTTP status for other platforms.
 */
export type ResponseVerdict =
  | { ok: true }
  | {
      ok: false;
      error: ProviderError;
      /** The platform says it did not act (busy, throttled): safe to send again even when not idempotent. */
      notActed?: boolean;
    };

/** Reads a platform's answer into a verdict; undefined leaves it to the HTTP status, as for plain REST platforms. */
export type ResponseClassifier = (response: HttpResponse, request: HttpRequest) => ResponseVerdict | undefined;

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface AdapterDeps {
  /** An HTTP client bound to this account's endpoint and platform (timeouts, retries, metrics, redaction). */
  http: HttpClient;
  logger: Logger;
}

export interface Page<T> {
  items: T[];
  /** Opaque to callers; a page number or a marker, as the platform pages. null on the last page. */
  nextPageToken: string | null;
}

export interface ListInstancesQuery {
  pageToken?: string;
  pageSize?: number;
  /** Only machines with exactly this name (filtered locally when the platform cannot). */
  name?: string;
  /** Only machines whose name starts with this (filtered locally when the platform cannot). */
  namePrefix?: string;
}

/** What a create returned: the machine's id, a platform job id to follow, or both. */
export interface CreateAccepted {
  instanceId: string | null;
  jobId: string | null;
}

/** The spec a platform group is made from: the template's, with its name and the tags its machines carry. */
export interface GroupInput {
  name: string;
  namePrefix: string;
  spec: MachineSpec;
  tags: Tags;
}

export interface GroupExpandRequest {
  groupId: string;
  count: number;
  /**
   * Unique per expand call of a task (task id + call number): sent where the platform keeps
   * one (a correlation id, a task name, a client token), so a lost answer can be found again.
   */
  requestId: string;
}

/** What a group expand answered: the machines it names, a job or platform task to follow, or both. */
export interface GroupExpandAccepted {
  instanceIds: string[];
  jobId: string | null;
}

/**
 * One machine's running time on one day, as the platform's cost API reports it. `day` is a
 * calendar date (YYYY-MM-DD) in the platform's own time zone, which the adapter states.
 */
export interface UsageRecord {
  instanceId: string;
  day: string;
  seconds: number;
  /** The platform group (cluster) the machine belongs to, when the platform says. */
  groupId?: string;
}

/** What a platform said of one machine of a batch action. */
export interface BatchOutcome {
  instanceId: string;
  ok: boolean;
  providerCode?: string;
  providerMessage?: string;
}

export interface JobState {
  state: 'running' | 'succeeded' | 'failed';
  instanceIds: string[];
  providerCode?: string;
  providerMessage?: string;
}

/**
 * The adapter contract. Every method is optional: an adapter has exactly the
 * ones its platform supports, and lists them in `capabilities`.
 */
export interface ProviderAdapter {
  readonly kind: ProviderKind;
  readonly capabilities: ReadonlySet<Capability>;

  /** Proves the credentials work (a cheap authenticated call). */
  verifyCredentials?(): Promise<void>;

  listRegions?(): Promise<Region[]>;
  listZones?(): Promise<Zone[]>;
  listInstanceTypes?(): Promise<InstanceType[]>;
  listImages?(): Promise<Image[]>;

  listVpcs?(): Promise<Vpc[]>;
  getVpc?(id: string): Promise<Vpc | null>;
  createVpc?(input: CreateVpc): Promise<Vpc>;
  deleteVpc?(id: string): Promise<void>;
  listSubnets?(query: { vpcId?: string }): Promise<Subnet[]>;
  getSubnet?(id: string): Promise<Subnet | null>;
  createSubnet?(input: CreateSubnet): Promise<Subnet>;
  deleteSubnet?(id: string): Promise<void>;
  listSecurityGroups?(query: { vpcId?: string }): Promise<SecurityGroup[]>;
  getSecurityGroup?(id: string): Promise<SecurityGroup | null>;
  createSecurityGroup?(input: CreateSecurityGroup): Promise<SecurityGroup>;
  deleteSecurityGroup?(id: string): Promise<void>;

  /** One page of the account's machines. */
  listInstances?(query: ListInstancesQuery): Promise<Page<ProviderInstance>>;
  /** One machine, or null when the platform says it does not exist (any more). */
  getInstance?(id: string): Promise<ProviderInstance | null>;
  /** Sends one create. Not retried on timeout by the HTTP layer: the caller reconciles by name. */
  createInstance?(request: CreateInstanceRequest): Promise<CreateAccepted>;
  /** Sends a delete; resolves when the platform accepted it, or when the machine is already gone. */
  deleteInstance?(id: string): Promise<void>;
  startInstance?(id: string): Promise<void>;
  stopInstance?(id: string): Promise<void>;
  rebootInstance?(id: string): Promise<void>;
  /**
   * One platform call acting on many machines, with an outcome per machine (a machine the
   * platform refused, e.g. in the wrong state, does not fail the others).
   */
  batchAction?(action: 'start' | 'stop' | 'reboot', ids: string[]): Promise<BatchOutcome[]>;
  /** Replaces the machine's tags. */
  setTags?(id: string, tags: Tags): Promise<void>;
  getConsole?(id: string): Promise<Console>;

  /**
   * Asks the platform to re-read the account's networks from the cloud behind it (a platform that
   * keeps its own copy of them); answers a job to follow with `getJob`.
   */
  syncNetworks?(request: { region?: string }): Promise<{ jobId: string }>;
  /** Machine running time per machine and day, from the platform's own cost or usage API. */
  getUsage?(range: { from: string; to: string }): Promise<UsageRecord[]>;

  /** Follows a platform job id returned by a create or a group operation. */
  getJob?(jobId: string): Promise<JobState>;
  /**
   * Native group scaling, for platforms that keep a saved machine spec (a "cluster") and grow
   * or shrink it themselves. A Cloudplane template on such a platform is backed by one group:
   * made when the template is made, kept in step when it changes, removed with it.
   */
  createGroup?(input: GroupInput): Promise<{ groupId: string }>;
  /** Brings the platform's group in step with a changed template (what the platform allows). */
  updateGroup?(groupId: string, input: GroupInput): Promise<void>;
  deleteGroup?(groupId: string): Promise<void>;
  /** The group's machines as the platform lists them now (one pass; no paging beyond the adapter). */
  listGroupMembers?(groupId: string): Promise<ProviderInstance[]>;
  /**
   * Sends one group expand. Not retried by the HTTP layer once it may have been sent: the engine
   * tells whether it happened from the answer, the job, or the group's membership.
   */
  expandGroup?(request: GroupExpandRequest): Promise<GroupExpandAccepted>;
  /** Removes these machines of the group in one call (a batch delete or a platform shrink task). */
  shrinkGroup?(request: {
    groupId: string;
    instanceIds: string[];
    requestId: string;
  }): Promise<{ jobId: string | null }>;

  /** Runs one of the definition's documented extra operations with an input its schema already accepted. */
  runOperation?(name: string, input: unknown): Promise<unknown>;
}

/**
 * A documented platform operation beyond the unified model (the typed escape
 * hatch): the adapter still does the wire work; callers send only `input`.
 */
export interface OperationSpec {
  name: string;
  summary: string;
  input: z.ZodType;
  output: z.ZodType;
}

/** Which method serves which capability: the one table the registry guards with. */
export const METHOD_OF = {
  'accounts.verify': 'verifyCredentials',
  'catalog.regions': 'listRegions',
  'catalog.zones': 'listZones',
  'catalog.instance_types': 'listInstanceTypes',
  'catalog.images': 'listImages',
  'vpcs.list': 'listVpcs',
  'vpcs.get': 'getVpc',
  'vpcs.create': 'createVpc',
  'vpcs.delete': 'deleteVpc',
  'subnets.list': 'listSubnets',
  'subnets.get': 'getSubnet',
  'subnets.create': 'createSubnet',
  'subnets.delete': 'deleteSubnet',
  'security_groups.list': 'listSecurityGroups',
  'security_groups.get': 'getSecurityGroup',
  'security_groups.create': 'createSecurityGroup',
  'security_groups.delete': 'deleteSecurityGroup',
  'instances.list': 'listInstances',
  'instances.get': 'getInstance',
  'instances.create': 'createInstance',
  'instances.delete': 'deleteInstance',
  'instances.start': 'startInstance',
  'instances.stop': 'stopInstance',
  'instances.reboot': 'rebootInstance',
  'instances.batch_action': 'batchAction',
  'instances.tags': 'setTags',
  'instances.console': 'getConsole',
  'networks.sync': 'syncNetworks',
  'usage.get': 'getUsage',
  'jobs.get': 'getJob',
  'groups.create': 'createGroup',
  'groups.update': 'updateGroup',
  'groups.delete': 'deleteGroup',
  'groups.members': 'listGroupMembers',
  'groups.expand': 'expandGroup',
  'groups.shrink': 'shrinkGroup',
  'operations.run': 'runOperation',
} as const satisfies Record<Capability, keyof ProviderAdapter>;

/** Why an account cannot work, and which field says so. */
export interface AccountProblem {
  pointer: string;
  detail: string;
}

/**
 * One thing a create on this platform needs that the spec and the account together do not give,
 * or give in a form the platform cannot take. `pointers` are the fields that would fix it, as JSON
 * pointers into `{ spec, credentials, options }` (`/spec/zone`, `/options/defaultZoneId`): the
 * first is the usual fix, the others alternatives. Callers report the one their request holds.
 */
export interface CreateProblem {
  pointers: [string, ...string[]];
  detail: string;
}

/** Where a request's create problems are reported: the roots its body holds, and what holds the rest. */
export interface ProblemPlacement {
  /** `in` of the problems the request can fix itself (usually `body`). */
  in: string;
  /** Pointer roots the request's body holds (`/spec` for a template, `/options`, `/credentials` for an account). */
  roots: readonly string[];
  /** `in` of a problem only the template's spec can fix, and of one only the account can fix. */
  spec: string;
  account: string;
}

/**
 * Create problems in a request's terms: each at the first of its pointers the request holds, else
 * at its first pointer, in the resource that holds it (so an expand names the template's or the
 * account's field). The same problem twice is reported once.
 */
export function placeCreateProblems(problems: CreateProblem[], at: ProblemPlacement): FieldError[] {
  const placed = new Map<string, FieldError>();
  const held = (p: string) => at.roots.some((r) => p === r || p.startsWith(`${r}/`));
  for (const problem of problems) {
    const mine = problem.pointers.find(held);
    const pointer = mine ?? problem.pointers[0];
    const where = mine ? at.in : pointer.startsWith('/spec') ? at.spec : at.account;
    placed.set(`${where} ${pointer} ${problem.detail}`, { in: where, pointer, detail: problem.detail });
  }
  return [...placed.values()];
}

/** What checkCreate reads: the spec of one create and the account it would go to (parsed). */
export interface CreateCheckInput<Credentials = unknown, Options = unknown> {
  spec: MachineSpec;
  credentials: Credentials;
  options: Options;
}

/** A simulator the definition serves, as its `start` returns it. */
export interface RunningSimulatorHandle {
  baseUrl: string;
  close(): Promise<void>;
}

/** An account as `POST /v1/accounts` takes it, minus the kind. */
export interface AccountSeed {
  name: string;
  endpoint: string;
  credentials: Record<string, unknown>;
  options: Record<string, unknown>;
}

/**
 * The platform's simulator, as the `sim` and `all` roles serve it (the default
 * clouds of a newcomer's start) and as the contract tests run it.
 */
export interface SimulatorDefinition {
  /** Serves the simulator with its seeded data. `fast` makes every transition take a fraction of a second. */
  start(at: { host: string; port: number; fast?: boolean }): Promise<RunningSimulatorHandle>;
  /** An account that works against the simulator as seeded. */
  demoAccount(endpoint: string): AccountSeed;
  /** Spec fields a create needs beyond the first zone, instance type and image of the catalog. */
  specExtras?: Record<string, unknown>;
}

/** How one platform kind is registered: its schemas, its static facts, its factory. */
export interface ProviderDefinition<Credentials = unknown, Options extends BaseAccountOptions = BaseAccountOptions> {
  kind: ProviderKind;
  title: string;
  capabilities: readonly Capability[];
  /** How expand and shrink run on this platform (the engine's path). */
  scaling: ScalingStrategy;
  /** How its machine list pages, and whether one pass is a consistent picture. */
  paging: ListPaging;
  /** How long a created machine may take to appear in list calls; reconcile waits this long before concluding "not created". */
  listLagMs: number;
  /** Longest machine name the platform accepts (markers are made to fit). */
  maxNameLength: number;
  credentials: z.ZodType<Credentials>;
  options: z.ZodType<Options>;
  /** Default per-call timeout, when the account does not set one. */
  defaultTimeoutMs: number;
  /** The time zone of the calendar days `getUsage` reports (an IANA name or an offset such as `+08:00`). */
  usageTimeZone?: string;
  /** Reads the platform's envelope into a verdict, when success and failure live inside an HTTP 200. */
  classify?: ResponseClassifier;
  /** The platform's documented extra operations, run with `runOperation` (capability `operations.run`). */
  operations: readonly OperationSpec[];
  /**
   * Checks an account can work before it is saved: a value the adapter will need later (at
   * create time, say) that neither the credentials nor the options provide. Each problem names
   * its field as a JSON pointer into the account (`/options/projectId`).
   */
  checkAccount?(credentials: Credentials, options: Options): AccountProblem[];
  /**
   * What a create needs from the spec and the account, checked without any platform call (a zone,
   * a network, a login user, a password…): the same rules the adapter's create applies before it
   * sends, so a template, an account change or an expand that could never create is refused when
   * it is made, with the field named, instead of failing machine by machine later. Absent: the
   * platform's create needs nothing beyond the spec's schema (or it cannot create at all).
   */
  checkCreate?(input: CreateCheckInput<Credentials, Options>): CreateProblem[];
  /** The platform's simulator and the demo account that reaches it. */
  simulator: SimulatorDefinition;
  create(account: AccountContext<Credentials, Options>, deps: AdapterDeps): ProviderAdapter;
}
