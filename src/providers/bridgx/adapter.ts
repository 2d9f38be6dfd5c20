/**
 * BridgX adapter: the unified contract over the BridgX developer API (seed 001; catalog
 * ../shared/providers/bridgx.md). BridgX is itself a control plane: its "cluster" is a saved
 * machine template, and machines are made and removed only by its own expand and shrink tasks.
 * A1–A39 are the simulator's readings; the adapter's own readings follow, numbered on.
 *
 * Ambiguities of the document and the adapter's choice for each:
 * A40 No authentication is documented (§2.2): an optional `credentials.token` goes out as
 *     `Authorization: Bearer …`; an envelope (or HTTP) 401/403 is `auth`.
 * A41 Success is `code` 200 in the body, or 0 as the field tables print it (D1); the HTTP status
 *     alone is never trusted (BridgX may mirror `code` in it, or answer every refusal with 200).
 * A42 Error kinds by envelope code: 400 `param_invalid` invalid (the only documented error, also
 *     used for unknown ids), 401/403 auth, 404 not_found, 409 conflict, 429 rate_limited (not
 *     acted: may be re-sent), 5xx unavailable, 504 timeout, other 4xx invalid. providerCode is
 *     the code, providerMessage the decoded `msg`, both verbatim (client.ts CODE_KINDS).
 * A43 A body that is not JSON or not an envelope is the HTTP status's error (a gateway page:
 *     5xx unavailable, retried when idempotent), and `malformed` when the status was 2xx.
 * A44 Gets by id (VPC, switch, security group, machine detail) answering 400 → null: BridgX has
 *     no not-found code and the id is the only parameter.
 * A45 Response keys are matched ignoring case and `_` (D5: snake_case tables, PascalCase
 *     examples); `VStatus` is the switch status (D33); `IsDefault` is a Boolean or Y/N (D32);
 *     `SwitchIds` a string or an array (D8); nil lists (`null`) read as empty.
 * A46 Both pager spellings (`pager`/`Pager`, D5) are read; pages are 1-based and read at the
 *     maximum size, 50; a pass ends at `total` or at an empty page, bounded (client.ts MAX_PAGES).
 * A47 Integers beyond 2^53 are kept exact from the raw text; task ids are decimal strings
 *     whether the platform writes a number (expand/shrink) or a string (task list) (D29).
 * A48 Times: `YYYY-MM-DD HH:mm:ss ±hhmm ZZZ` with its own offset; zone-less stamps are +08:00;
 *     ISO 8601; dotted dates and full-width colons (D25); "" and Go's zero time are null.
 * A49 Shrink is `POST /api/v1/cluster/shrink` (D2) with `ips` a JSON array of private IPs and
 *     `count` = the number of IPs (§4.20).
 * A50 Task statuses INIT, RUNNING, SUCCESS, FAILED (D23) and the table's Chinese phases; an
 *     unknown value is running while `finish_at` is empty, failed after (statuses.ts).
 * A51 Machine statuses Pending, Running, Deleting, Deleted, Error and `初始化完成` (running),
 *     matched ignoring case (D25); anything else is `unknown` with statusRaw kept.
 * A52 Switch create is a GET (D10) that creates: query string, never re-sent by the HTTP layer;
 *     `account_key` always sent (D10b).
 * A53 `network_config/sync` answers when BridgX has re-read the region (§4.14 gives no async
 *     form): networks.sync hands out `sync:<cloud>:<region>:<ms>`, a job getJob reports done.
 * A54 A template is a cluster; its group id is the cluster name, the only handle any operation
 *     takes (§2.10). The document has cluster create and list only: groups.update and
 *     groups.delete are not declared (the registry answers 501 naming bridgx), so a template
 *     change does not reach its cluster and a deleted template leaves its cluster in BridgX.
 * A55 Cluster create (cluster-body.ts): region, zone, VPC, switch and security group from the
 *     spec, else the options; one security group only; `charge_config` always sent (D4b), PrePaid
 *     with the options' period; `data_disk` an array (D4); `internet_max_bandwidth_out` for the
 *     bandwidth row (D3); tags a JSON string (D4d); the spec's login password is required (the
 *     platform requires one, never returns it); key pairs do not exist → invalid. The template's
 *     name prefix is unused: BridgX names no machine.
 * A56 A taken cluster name is refused as `param_invalid`; when the account's cluster list has
 *     the name, the adapter reports `conflict` (same code and message).
 * A57 Expand/shrink tasks are named `cloudplane-<action>-<count>-<requestId>` (tasks.ts). Before
 *     sending, the task list is searched for that name and a listed task is answered instead of
 *     a second one (BridgX has no idempotency key, D22); after a timeout or a failed answer the
 *     list is searched again. A lost call the platform records only later is caught by the next
 *     call with the same request id, so the engine waits listLagMs before repeating one.
 * A58 getJob scans `task/list?account=` (no get-by-id, no cluster filter) for `taskScanPages`
 *     pages; a task not found is `not_found`. instanceIds stay empty (no machine names its
 *     task); the engine finds new machines in the cluster's membership. A FAILED expand reports
 *     how many of its count run, from the cluster's machines made within the task's window.
 * A59 Shrink by instance ids sends their private IPs (`ip_inner`) read from the cluster's machine
 *     list; machines already Deleted or not in the cluster are skipped, and with none left no
 *     task is sent (`jobId: null`); a machine with no private IP yet is invalid.
 * A60 Group members are the cluster's listed machines minus the Deleted ones BridgX keeps.
 * A61 Machines have no name, tags or zone in the list, and the detail no status or cluster
 *     (D21): getInstance reads both and merges them; a Deleted machine is reported `deleted`
 *     (BridgX keeps the record) and an id the list does not know is null.
 * A62 listInstances: the page token is the page number; no machine has a name, so a name or
 *     prefix filter matches nothing and is answered without a call.
 * A63 Usage (usage.ts): `usage_statistics` per day in +08:00 (D16), every page, `startup_time`
 *     summed per machine and day, kept to the clusters of this account (the API takes no
 *     account, D9); at most 92 days per call. `day` is the platform's calendar day in UTC+08:00.
 * A64 verify: the cluster list (endpoint, token), then a sync of options.region with the
 *     AccessKey, the only documented call that refuses an unknown AccessKey without creating
 *     anything.
 * A65 Catalogs are per options.cloud and options.region; instance types per zone of the region,
 *     merged with the zones listed; memory GB → MiB; image visibility unknown (no such field).
 * A66 Security group rules read in all three port encodings (D14) as `from-to` or null (all
 *     ports); sent as `from/to`, `-1/-1` for icmp, gre and all; every rule allows (D11), a deny
 *     rule is invalid; a group's description is not kept (no field). Lists read each group's
 *     rules from its detail. Peer groups and prefix lists: operation security_groups.rules.
 * A67 Ids are cloud ids (D19). getSubnet needs the switch's VPC: options.vpcId first, then every
 *     VPC of the region.
 * A68 listSubnets and listSecurityGroups without a VPC walk every VPC of the region.
 * A69 providerData is the record as sent (and the detail, for getInstance) minus keys that look
 *     secret (password, secret, token, private key).
 * A70 Creates of VPCs, switches and groups answer an id; the object is read back by it, and when
 *     BridgX cannot show it yet, what was sent is reported (a VPC `Pending`).
 * A71 How each gap of this platform is closed, as the engine uses this adapter:
 *     - no get-task-by-id: getJob finds the task in the task list by the request id in its name
 *       (A57, A58); a task that scrolled out of the list is not_found, and the engine then
 *       decides from the cluster's membership;
 *     - no machine-to-task link: the engine records the cluster's membership before each call and
 *       takes the machines that joined since (launched no earlier than the call) as its answer;
 *     - a lost answer: the call is asked again under the same request id once the list lag shows
 *       nothing joined, and this adapter finds the earlier task by that id instead of starting
 *       a second one (A57);
 *     - cancel: BridgX cannot stop a task it runs. A Cloudplane cancel sends no further call;
 *       a platform task already sent runs to its end, and its machines are kept and counted
 *       (test/providers/bridgx/unified-api.test.ts);
 *     - cluster update and delete do not exist: a template change the cluster would need is
 *       refused (501, groups.update); deleting the template keeps the cluster, and the answer's
 *       `Cloudplane-Platform-Group-Kept` header names it.
 */
import type { ProviderInstance } from '../../domain/instance.ts';
import type { Capability } from '../../domain/providers.ts';
import { ProviderError, type AccountContext, type AdapterDeps, type Page, type ProviderAdapter } from '../contract.ts';
import type { BridgxCredentials, BridgxOptions } from './account.ts';
import { createBridgxClient, PAGE_SIZE, type BridgxClient } from './client.ts';
import { toInstance } from './mapping.ts';
import { createNetworks } from './networks.ts';
import { createScaling } from './scaling.ts';
import { createUsage } from './usage.ts';
import { WireClusterList, WireMachineDetail, WireMachineList } from './wire.ts';

/**
 * What this adapter really does. Single-machine create, delete, start, stop and reboot do not
 * exist on BridgX (machines come only from cluster tasks); nor do network deletes, tags or consoles.
 */
export const BRIDGX_CAPABILITIES = [
  'accounts.verify',
  'catalog.regions',
  'catalog.zones',
  'catalog.instance_types',
  'catalog.images',
  'vpcs.list',
  'vpcs.get',
  'vpcs.create',
  'subnets.list',
  'subnets.get',
  'subnets.create',
  'security_groups.list',
  'security_groups.get',
  'security_groups.create',
  'instances.list',
  'instances.get',
  'networks.sync',
  'usage.get',
  'jobs.get',
  'groups.create',
  'groups.members',
  'groups.expand',
  'groups.shrink',
  // Served by runOperation, which index.ts attaches with the operations catalog.
  'operations.run',
] as const satisfies readonly Capability[];

export function createBridgxAdapter(
  account: AccountContext<BridgxCredentials, BridgxOptions>,
  deps: AdapterDeps,
  client: BridgxClient = createBridgxClient(account, deps),
): ProviderAdapter {
  const { options } = account;
  const networks = createNetworks(client);

  const machines = (operation: string, query: Record<string, string | number>) =>
    client.data(
      {
        method: 'GET',
        path: '/instance/describe_all',
        operation,
        idempotent: true,
        query: { account: options.accountKey, ...query },
      },
      WireMachineList,
    );

  return {
    kind: 'bridgx',
    capabilities: new Set(BRIDGX_CAPABILITIES),

    async verifyCredentials() {
      await client.data(
        {
          method: 'GET',
          path: '/cluster/describe_all',
          operation: 'accounts.verify',
          idempotent: true,
          query: { account: options.accountKey, page_number: 1, page_size: 1 },
        },
        WireClusterList,
      );
      await networks.syncNetworks({});
    },

    ...networks,
    ...createScaling(client),
    ...createUsage(client),

    async listInstances(query): Promise<Page<ProviderInstance>> {
      if (query.name !== undefined || query.namePrefix !== undefined) return { items: [], nextPageToken: null };
      const page = query.pageToken === undefined ? 1 : Number(query.pageToken);
      if (!Number.isInteger(page) || page < 1)
        throw new ProviderError(
          'bridgx',
          'instances.list',
          'invalid',
          undefined,
          `not a page token: ${query.pageToken}`,
        );
      const size = Math.min(Math.max(query.pageSize ?? PAGE_SIZE, 1), PAGE_SIZE);
      const body = await machines('instances.list', { page_number: page, page_size: size });
      const items = body.instance_list.map((m) => toInstance(m, null, options.statusMap));
      const more = items.length > 0 && page * size < body.pager.total;
      return { items, nextPageToken: more ? String(page + 1) : null };
    },

    async getInstance(id): Promise<ProviderInstance | null> {
      const listed = (await machines('instances.get', { instance_id: id, page_number: 1, page_size: 1 })).instance_list;
      const item = listed.find((m) => m.instance_id === id);
      if (!item) return null;
      const unified = toInstance(item, null, options.statusMap);
      if (unified.status === 'deleted') return unified;
      let detail = null;
      try {
        detail = await client.data(
          {
            method: 'GET',
            // D20: a literal `id` in the path; the machine goes in the query.
            path: '/instance/id/describe',
            operation: 'instances.get',
            idempotent: true,
            query: { instance_id: id },
          },
          WireMachineDetail,
        );
      } catch (err) {
        // A44: the list knows the machine, so a refused detail only leaves its detail out.
        if (!(err instanceof ProviderError && err.kind === 'invalid')) throw err;
      }
      return toInstance(item, detail, options.statusMap);
    },
  };
}
