/**
 * Legacy cluster adapter: the unified contract over the multi-cloud broker of seed 000
 * (catalog ../shared/providers/legacy-cluster.md). The broker sends one request shape to a
 * backend driver (aliyun, aws, openstack) and keeps machine templates ("clusters") it expands
 * by N machines itself. The simulator's own choices are A1–A39; the adapter's are A40 on.
 *
 * A40 Success is `code === 0` and `msg === null` (an absent msg reads as null). Anything else
 *     is a failure, code 0 included: ops 28–30 say "result to json error" with code 0.
 * A41 No authentication is documented: credentials are only optional headers for a gateway in
 *     front (sent on every call, never logged; the adapter's own headers cannot be replaced).
 * A42 An account works in one backend and region (`options.backend`, `options.region`): they
 *     key every catalog path and `Provider`/`Zone.RegionName` of every create. `phydev` is no
 *     driver and is refused; verify checks both against ops 16 and 17.
 * A43 HTTP statuses are never documented: the broker answers 200 and says the outcome in the
 *     envelope. A non-2xx answer is a gateway's: 429 rate_limited, 401/403 auth, 504 timeout,
 *     400/413–415 invalid, any other (404 included: a missing route is a wrong endpoint, never
 *     a gone machine) unavailable. An envelope inside lends its code and message.
 * A44 Return codes: 10999 (and unknown codes) unavailable; 11996, 12996, 12997 invalid; 12966
 *     read as 12996 (defect 8). The message wins where it says more: "QuerySeter no row found"
 *     is not_found under 10999 and 12997 alike, "unknown backend provider driver" invalid,
 *     "already in DB" conflict. Code 0 with a message is unavailable (the broker failed to
 *     build its answer). Codes and decoded messages are kept verbatim.
 * A45 A code-0 answer whose content is `{success: 0, failed > 0, errors}` is a failure (op 31
 *     when nothing registered; op 32's documented failure): conflict when every error is
 *     "already in DB", else invalid, code "0", the errors as the message. A partial op 31 is
 *     a success reported per item.
 * A46 `X-CORRELATION-ID` is a header, sent on ops 5, 13 and 31 only (where the document requires
 *     it). Its value is the engine's request id for group expand and shrink, the caller's for
 *     registration, else `cp-<uuid>`; any 1–200 visible ASCII characters (the `1-1` examples
 *     show no format). It is written on that call's log line (`correlationId`).
 * A47 `Status` is an undocumented integer: statuses.ts reads 0/1 pending, 3 starting, 7 running,
 *     anything else unknown (reasoning there). `options.statusMap` ("7": "running") wins.
 * A48 Instance ids travel as a path segment beside sixteen literal routes the broker matches
 *     first (`list`, `provider`, … §3): an id equal to one, or holding a comma or a space, is
 *     refused before any call (getInstance answers null). Template ids are decimal integers.
 * A49 Op 13's ids are joined by commas in one segment (the document shows one id), at most 50
 *     per call; several calls of one shrink share its correlation id. A batch refused as "no
 *     row found" may have deleted nothing else, so it is sent again one id at a time.
 * A50 Op 8 answers an IP, not an id: createInstance returns job `ip:<address>`, and getJob finds
 *     the machine in op 26 by private or public address on the account's backend (the highest
 *     row Id if several): `succeeded` with its id, else `running`. Hence `jobs.get`.
 * A51 Every machine has 1–4 data disks of one size and category (DataDiskNum × DataDiskSize,
 *     11996 outside 1–4): a spec without data disks takes `options.defaultDataDisk`, else it is
 *     refused; disks of different sizes or categories are refused. Categories fall back to
 *     `options.systemDiskCategory` / `options.dataDiskCategory`; none at all is refused.
 * A52 One security group per machine (`Network.SecurityGroup`; more is refused), VpcId "" is the
 *     classic network; internet charge type and bandwidth come from the options (default 0
 *     Mbit/s and "", no public bandwidth unless asked).
 * A53 What a spec says that the wire cannot hold: a password or prepaid charging is refused
 *     (no field; CostWay is only reported); a system disk size is not sendable and is ignored
 *     (the category is sent); tags and machine names do not exist here (Name is always "") and
 *     are ignored — machines are found by template membership and, after a create, by address.
 *     A key name is sent as `KeyName` on op 8 too (the template's field; op 8's table omits it).
 * A54 Op 21 lists display labels ("4Cores-8GB"), not type codes: an instance type id is the
 *     label, sent verbatim as `InstanceType` (the document's own create example sends a label);
 *     vCPUs and memory are read from the label, else 0. A real type string ("ecs.n1.tiny") in a
 *     spec passes through. A template's Cpu/Ram are the label's numbers, else 0.
 * A55 A Cloudplane template is one broker template: createGroup sends op 3's body (Id 0,
 *     Replication null, FlavorId "", PostScript "", Desc "") and the new int `Id` is the group id.
 * A56 The broker has no template update: updateGroup reads op 2 and succeeds when every wire
 *     field already matches, or only the name differs (a label no one keys on; logged); any
 *     other difference is a conflict naming the fields — the template must be made anew.
 * A57 expandGroup reads op 2 and posts the stored template back as-is as op 5's body (the body
 *     repeats the template; whether it overrides is undocumented, so nothing new is sent). A
 *     deleted template (DeleteTime set) is not_found and the registered-machine template is
 *     refused, before the expand. The ids `content` names are reported; `ext` is ignored. Never
 *     re-sent; its deadline grows by 5 s per machine (≤ 300 s).
 * A58 Op 26 lists "running" machines with no paging: listInstances returns it whole as one page,
 *     filtered to the account's backend. Paging `none`, not consistent: a machine that is not
 *     running may be missing, so one pass never proves a machine gone.
 * A59 listGroupMembers is op 27 (every machine of the template). shrinkGroup reads it and
 *     deletes only the ids still members (the batch delete is not scoped to a template).
 * A60 A machine's region and zone are RegionId/ZoneId unless empty or a placeholder (whitespace,
 *     "aws region "), then its template's Zone; NatIpAddress stays in providerData; Go's zero
 *     time reads as null.
 * A61 not_found on get → null; on delete of a machine or template → already gone. A template
 *     whose DeleteTime is set is deleted.
 * A62 Start is a GET (defect 29) treated as idempotent; its content must be `true`.
 * A63 Subnets are keyed by zone and VPC (op 20): listSubnets asks every VPC of the region (or
 *     the one given) in every zone of the region, four calls at a time. Networks are read-only;
 *     a get is a list searched by id. Names come from an AWS `Name` tag, else the id.
 * A64 Images: `Public` true → public, false → private, absent → unknown; os = Platform.
 * A65 Secrets: providerData, logs and operation outputs drop every password-, secret-, token- or
 *     key-named field; op 14's private key never leaves (its SHA-256 and size do); op 15's
 *     answer is returned only when it is a public key; op 31/32 passwords are write-only.
 * A66 Logs (ops 28, 29) have no documented shape: returned as decoded, secrets removed.
 * A67 Machine counts are strings ("2"): read as numbers; op 7's content may be an object or an
 *     array (defect 24); times are the broker's local `YYYY-MM-DD HH:mm:ss`.
 * A68 The endpoint is the server root (paths start with `/v1`); every call sends
 *     `Content-Type: application/json`, as every example does.
 * A69 Default deadline 60 s per call: the broker answers a create after its backend cloud did.
 * A70 Op 12 (set status) and op 32 (OpenStack config) are treated as idempotent; op 32's port
 *     travels as a string; op 15 is sent without a body, as its example.
 * A71 Op 30 is sent as documented (it names no machine); its answer is returned as a machine
 *     when it reads as one.
 * A72 Op 9 wraps its failed lookup as 10999 "get one instance err" (its only documented failure
 *     for a named id): on op 9 that message is not_found, so getInstance answers null. Anywhere
 *     else 10999 stays a broker failure.
 */
import type { Capability } from '../../domain/providers.ts';
import type { AccountContext, AdapterDeps, ProviderAdapter } from '../contract.ts';
import type { LegacyCredentials, LegacyOptions } from './account.ts';
import { catalogPart } from './adapter-catalog.ts';
import { groupsPart } from './adapter-groups.ts';
import { instancesPart } from './adapter-instances.ts';
import { createLegacyClient, type LegacyClient } from './client.ts';
import type { LegacyContext } from './context.ts';
import { runLegacyOperation } from './operations.ts';

/** What really works here. No stop, reboot, tags, console or network writes: the broker has none. */
export const LEGACY_CAPABILITIES = [
  'accounts.verify',
  'catalog.regions',
  'catalog.zones',
  'catalog.instance_types',
  'catalog.images',
  'vpcs.list',
  'vpcs.get',
  'subnets.list',
  'subnets.get',
  'security_groups.list',
  'security_groups.get',
  'instances.list',
  'instances.get',
  'instances.create',
  'instances.delete',
  'instances.start',
  // Follows a create to its machine (A50).
  'jobs.get',
  'groups.create',
  'groups.update',
  'groups.delete',
  'groups.members',
  'groups.expand',
  'groups.shrink',
  'operations.run',
] as const satisfies readonly Capability[];

export function createLegacyAdapter(
  account: AccountContext<LegacyCredentials, LegacyOptions>,
  deps: AdapterDeps,
  client: LegacyClient = createLegacyClient(account, deps),
): ProviderAdapter {
  const ctx: LegacyContext = { client, options: account.options, logger: deps.logger };
  return {
    kind: 'legacy-cluster',
    capabilities: new Set<Capability>(LEGACY_CAPABILITIES),
    ...catalogPart(ctx),
    ...instancesPart(ctx),
    ...groupsPart(ctx),
    runOperation: (name, input) => runLegacyOperation(ctx, name, input),
  };
}
