/**
 * StarVCenter adapter: the unified contract over the multi-tenant cloud-resource API of the
 * StarVCenter document (seed 002; catalog ../shared/providers/starvcenter.md, "Dn" = its defects).
 *
 * The document's ambiguities and the choice made for each:
 * A40 Plain http on port 18081 is all the document shows; the account's endpoint is used as
 *     given (http or https), so TLS is the deployment's choice.
 * A41 BaseURL `…/starvcenter/services/cloudresource`: `options.basePath` is put before every
 *     path unless the endpoint already ends with it (a bare `http://host:18081` works too).
 * A42 Each operation uses its one documented method (the verb is the last path segment); the
 *     document's spaced paths are sent closed up (`cloudslb/modify`, `cloudsegroup/vnic/unbind`,
 *     D12) and its spellings kept (`acessrule`, `vroute/Mapping`, `cloudTenant`).
 * A43 No login exists (D6): the account holds one tenant token, sent verbatim as the `KEY_TOKEN`
 *     header on every call. The token decides the tenant; nothing else names it.
 * A44 KEY_PARAM is one JSON object, UTF-8, standard RFC 4648 Base64 with `=` padding and no line
 *     breaks (D4), sent form-urlencoded (URLSearchParams percent-encodes `+ / =`). GET and
 *     DELETE send no body; a POST/PUT with no documented parameters sends `e30=` (`{}`, D14).
 * A45 Keys are the literal dotted strings, trimmed of stray spaces (D8) and misplaced `*` (D7:
 *     `vm.firewalld.enable`, `type`, `label`, `value`); each operation keeps its own family
 *     (dotted, underscored, camelCase) and spelling (`protocal`, `natOuterip`).
 * A46 Scalars go as JSON strings ("2", "true"); arrays where documented (`monitor.objids`,
 *     `realnode`); `isfindPage` as the bare `true` it is shown as.
 * A47 The answer body is Base64 of the UTF-8 JSON envelope. Read leniently (whitespace and
 *     76-column wraps, one pair of quotes, missing padding, URL-safe alphabet, a plain JSON
 *     body) and strictly otherwise: not Base64, not UTF-8 or not JSON → `malformed`. Answer
 *     keys are read with all whitespace removed (`vm.tenant.type `, `monitor. netcardmac`).
 * A48 `result` decides (in the definition's `classify`, so the shared client retries and counts
 *     by it): "0" success; "1" → `invalid` (the document has no finer code, and its reason text
 *     is never parsed); "1003" → `auth`; any other code → `invalid`, code kept. The message is
 *     the decoded `resultinfo`, verbatim. Non-2xx: 429 → `rate_limited` (not acted on),
 *     504 → `timeout`, 5xx → `unavailable`, 401/403 → `auth`, others → `invalid`.
 * A49 Not found has no code of its own: a "1" from `GET cloudvm/{id}` is checked with a search by
 *     id (fuzzy, D24, compared exactly); absent → null (get) or already gone (delete).
 * A50 Paging: `page.startnum` is a 1-based page number, `page.everypagenum` 1–30 (D18). The page
 *     token is the next page number; there is a next page while the page was full and fewer
 *     than `dataCount` items were seen. Pages shift as machines come and go: consistent=false.
 * A51 `vm.name` search is fuzzy: listInstances sends the name or prefix and filters exactly.
 *     Name length is undocumented: 64 is assumed (maxNameLength).
 * A52 No instance types exist: ids `c<vCPUs>m<MiB>` give `vm.vcpu.num`/`vm.memory.mem`, any
 *     such id is accepted, `options.instanceTypes` is what the catalog lists, and a machine
 *     reports its size in the same form.
 * A53 Images are the model dictionary (#18) flattened, as `model:<code>` (`vm.tenant.mode` or
 *     `vm.tenant.model`, D11); a VM template is `template:<id>` (it cannot be listed, D22); a
 *     bare id is a model code.
 * A54 Create sends `vm.num` "1"; the network is the spec's subnetId, else its vpcId, else
 *     `options.defaultNetworkId`; the login password is `vm.account.pwd`; data disks become
 *     `vm.vdisk.num`/`vm.vdisk.size` (one size for all). Zones, key pairs, security groups,
 *     disk categories and prepaid charging have no create field → `invalid` before any call;
 *     the system disk comes from the model (a spec's systemDisk is not sent).
 * A55 Markers and tags: the platform has no tags. The engine's marker is the VM name, kept as
 *     given. Tags (cloudplane-task, cloudplane-template) have no create field and a new VM is
 *     locked while it installs, so they are not stored at create; setTags writes them to
 *     `vm.desc` (#9) as `cloudplane-tags:<JSON>`, replacing the description, and reading
 *     parses that form back (any other description reads as no tags).
 * A56 `*.createtime` is `yyyy-MM-dd HH:mm:ss` in the platform's local time, `options.utcOffset`
 *     (default +08:00).
 * A57 Create jobs: the per-VM `jobstartid` cannot be queried (D1, D3). The job id handed back is
 *     `create:<jobstartid>:<vmId>:<name>` and getJob reads the VM (#4; a search by name when
 *     the answer had no id): 3/4/-1 running, 1/0/2 succeeded, -2 failed, gone failed. A VM that
 *     never leaves 3 keeps the job running; the engine's deadline bounds it.
 * A58 Stop is #7 (OS shutdown) when `vm.shutdown.enable` is "true" and `options.softStop`,
 *     else #6 (`destroy` is a power-off, not a delete, D34). Reboot is #15 (power-cycling with
 *     #6 then #5 would need a wait). Start is #5.
 * A59 Delete is `DELETE cloudvm/{id}` in any state (whether a VM must be stopped first is not
 *     documented, and powering off first would need a wait); a VM already gone counts as deleted.
 * A60 `vm.state` has no transitional values (D37): the adapter remembers the start, stop,
 *     reboot and delete it sent (transitions.ts) and reports starting, stopping, rebooting (for
 *     `options.rebootWindowMs`) and deleting until the state moves on or
 *     `options.transitionTimeoutMs` passes. Actions sent by another process are not seen.
 * A61 Power actions answer a `startid` that nothing reads back; it goes to a debug log line
 *     (and to the `startId` of operation outputs) for correlation with the platform's logs.
 * A62 A private network is a VPC and its only subnet, with one id (D21). Its CIDR is allocated
 *     by the platform: a requested CIDR is not sent and the answer reports the real one.
 *     Network search documents no parameters (D14): it is paged like every other search, and
 *     get reads the list for the id. Subnets cannot be created or deleted apart from their
 *     network.
 * A63 Security-group rules are allow rules: ingress = `in` with the source in `aclrule.srcip`,
 *     egress = `out` with the target in `aclrule.target`; protocol `all` sends none. A deny
 *     rule or a vpcId → `invalid`. Create is #82 then #88 per rule; a refused rule deletes the
 *     group again. Groups belong to the tenant (vpcId null).
 * A64 Secrets never leave the adapter: keys that look like passwords, keys or tokens are
 *     dropped from providerData and operation outputs (`ceph.key`, D27).
 * A65 Searches, GETs, modifies and deletes are idempotent (retried on 5xx); creates and power
 *     actions are not (a repeat answers "1"), and are sent once.
 * A66 No regions, zones or batch actions exist: those capabilities are 501.
 * A67 Security-group ports: the unified `from-to` range (comma lists) is written `from:to` on the wire and read back.
 */
import { z } from 'zod';
import type { ProviderInstance } from '../../domain/instance.ts';
import type { Capability } from '../../domain/providers.ts';
import {
  type AccountContext,
  type AdapterDeps,
  type CreateAccepted,
  type JobState,
  type ProviderAdapter,
} from '../contract.ts';
import type { StarVCenterCredentials, StarVCenterOptions } from './account.ts';
import {
  MAX_PAGE_SIZE,
  PROVIDER,
  localError,
  createStarVCenterClient,
  hasNextPage,
  pageParam,
  type StarVCenterClient,
} from './client.ts';
import { createParams } from './create-params.ts';
import { encodeCreateJob, followCreateJob } from './jobs.ts';
import { MAX_DESC_LENGTH, encodeTags, toImages, toInstance, toInstanceType } from './mapping.ts';
import { createNetworkMethods } from './networks.ts';
import { createTransitions, type SentAction } from './transitions.ts';
import { createVmReads, isFailure, type VmReads } from './vm-reads.ts';
import { WireConnection, WireCreatedVm, WireModelGroup, type WireVm } from './wire.ts';

/** What this adapter really does (A52, A62, A66). */
export const STARVCENTER_CAPABILITIES = [
  'accounts.verify',
  'catalog.instance_types',
  'catalog.images',
  'vpcs.list',
  'vpcs.get',
  'vpcs.create',
  'vpcs.delete',
  'subnets.list',
  'subnets.get',
  'security_groups.list',
  'security_groups.get',
  'security_groups.create',
  'security_groups.delete',
  'instances.list',
  'instances.get',
  'instances.create',
  'instances.delete',
  'instances.start',
  'instances.stop',
  'instances.reboot',
  'instances.tags',
  'instances.console',
  'jobs.get',
  // Served by runOperation, which index.ts attaches with the operations catalog.
  'operations.run',
] as const satisfies readonly Capability[];

const enc = encodeURIComponent;

export function createStarVCenterAdapter(
  account: AccountContext<StarVCenterCredentials, StarVCenterOptions>,
  deps: AdapterDeps,
  client: StarVCenterClient = createStarVCenterClient(account, deps),
): ProviderAdapter {
  const { options } = account;
  const transitions = createTransitions({
    rebootWindowMs: options.rebootWindowMs,
    timeoutMs: options.transitionTimeoutMs,
  });
  const present = (vm: WireVm): ProviderInstance =>
    toInstance(vm, options.statusMap, options.utcOffset, transitions.overlay(vm['vm.id'], vm['vm.state'] ?? ''));

  const reads = createVmReads(client);
  // A VM the platform no longer knows has no transition left to report.
  const vms: VmReads = {
    ...reads,
    async find(id, operation) {
      const vm = await reads.find(id, operation);
      if (!vm) transitions.forget(id);
      return vm;
    },
  };

  /** Sends a power action (not idempotent, A65) or a delete, remembers it (A60) and logs its startid (A61). */
  async function act(id: string, operation: string, path: string, action: SentAction): Promise<void> {
    const envelope = await client.call(
      action === 'delete'
        ? { method: 'DELETE', path, operation, idempotent: true, logFields: { vmId: id } }
        : { method: 'PUT', path, operation, idempotent: false, param: { 'vm.id': id }, logFields: { vmId: id } },
    );
    transitions.sent(id, action);
    deps.logger.debug({ operation, vmId: id, startid: envelope.startid ?? null }, 'platform job started');
  }

  return {
    kind: PROVIDER,
    capabilities: new Set(STARVCENTER_CAPABILITIES),

    async verifyCredentials() {
      // A "1003" here is the bad token; "0" proves it (catalog §2.4).
      await vms.search('accounts.verify', pageParam(1, 1));
    },

    async listInstanceTypes() {
      return options.instanceTypes.map(toInstanceType);
    },

    async listImages() {
      const groups = await client.data(
        { method: 'GET', path: 'cloudvm/model', operation: 'catalog.images', idempotent: true },
        z.array(WireModelGroup).nullish(),
      );
      return toImages(groups ?? []);
    },

    ...createNetworkMethods(client),

    async listInstances(query) {
      const page = query.pageToken === undefined ? 1 : Number(query.pageToken);
      if (!Number.isInteger(page) || page < 1)
        throw localError('instances.list', 'invalid', 'the page token is not a page number');
      const size = Math.min(Math.max(query.pageSize ?? MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE);
      const name = query.name ?? query.namePrefix;
      const got = await vms.search('instances.list', {
        ...pageParam(page, size),
        ...(name !== undefined ? { 'vm.name': name } : {}),
      });
      // The token follows the wire page, not the filtered one, so no machine is skipped.
      const nextPageToken = hasNextPage(page, size, got.items.length, got.total) ? String(page + 1) : null;
      const items = got.items.filter(
        (vm) =>
          (query.name === undefined || vm['vm.name'] === query.name) &&
          (query.namePrefix === undefined || (vm['vm.name'] ?? '').startsWith(query.namePrefix)),
      );
      return { items: items.map(present), nextPageToken };
    },

    async getInstance(id) {
      const vm = await vms.find(id, 'instances.get');
      return vm ? present(vm) : null;
    },

    async createInstance(req): Promise<CreateAccepted> {
      const param = createParams(req, options);
      const created = await client.data(
        { method: 'POST', path: 'cloudvm/create', operation: 'instances.create', idempotent: false, param },
        z.union([z.array(WireCreatedVm), WireCreatedVm.transform((one) => [one])]),
      );
      const first = created[0];
      if (!first || (!first['vm.id'] && !first.jobstartid))
        throw localError('instances.create', 'malformed', 'the create answer names no VM');
      const vmId = first['vm.id'] ?? '';
      return {
        instanceId: vmId || null,
        jobId: encodeCreateJob({ startId: first.jobstartid ?? '', vmId, name: first['vm.name'] ?? req.name }),
      };
    },

    async deleteInstance(id) {
      try {
        await act(id, 'instances.delete', `cloudvm/${enc(id)}`, 'delete');
      } catch (err) {
        // A59: a delete of a VM that is already gone has nothing left to do.
        if (isFailure(err) && (await vms.find(id, 'instances.delete')) === null) return;
        throw err;
      }
    },

    async startInstance(id) {
      await act(id, 'instances.start', 'cloudvm/start', 'start');
    },

    async stopInstance(id) {
      const soft = options.softStop && (await vms.read(id, 'instances.stop'))['vm.shutdown.enable'] === 'true';
      await act(id, 'instances.stop', soft ? 'cloudvm/shutdown' : 'cloudvm/destroy', 'stop');
    },

    async rebootInstance(id) {
      await act(id, 'instances.reboot', 'cloudvm/restart', 'reboot');
    },

    async setTags(id, tags) {
      const desc = encodeTags(tags);
      if (desc.length > MAX_DESC_LENGTH)
        throw localError('instances.tags', 'invalid', `tags take more than ${MAX_DESC_LENGTH} characters in vm.desc`);
      await client.call({
        method: 'PUT',
        path: 'cloudvm/modify',
        operation: 'instances.tags',
        idempotent: true,
        param: { 'vm.id': id, 'vm.desc': desc },
      });
    },

    async getConsole(id) {
      const info = await client.data(
        { method: 'GET', path: `cloudvm/connection/${enc(id)}`, operation: 'instances.console', idempotent: true },
        WireConnection,
      );
      const url = info['vm.console.url'];
      if (!url) throw localError('instances.console', 'malformed', 'no vm.console.url in the answer');
      return { type: 'vnc', url, expiresAt: null };
    },

    getJob: (jobId): Promise<JobState> => followCreateJob(vms, jobId),
  };
}
