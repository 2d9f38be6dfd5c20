/**
 * H3C CloudOS adapter: the unified contract over the compute API of the H3C CloudOS document
 * (seed 003; catalog ../shared/providers/h3c-cloudos*.md). The simulator settles the same
 * ambiguities with the same numbers.
 *
 * Ambiguities shared with the simulator, and the adapter's side of each:
 * A1  No token API is documented: a static token, or a Keystone v3 password login at
 *     `options.authPath` (default `/v3/auth/tokens`) reading `X-Subject-Token`; cached, renewed
 *     before the announced lifetime ends, and on a 401 renewed once and the call repeated.
 * A2  Login failures arrive in the H3C error shape (Keystone's `{error}` is read too) → `auth`.
 * A3  `links[].href` name internal hosts: never followed; every URL is built from the endpoint.
 * A4  ACTIVE/SHUTOFF stay put while powering off/on: `task_state` decides (statuses.ts).
 * A5  `created` may be epoch ms or ISO: both parsed (zone-less = UTC).
 * A6  Flavor numbers may be strings (`ram:"16384"`, `swap:""`): read as numbers.
 * A7  Server lists page by `limit` + `marker` (last id); the page token is that marker.
 * A8  At most 1,000 per page; a next page exists when `servers_links` has rel `next`.
 * A9  Names: hostname rule, 1–63 characters (maxNameLength 63; keep ≤15 for Windows guests).
 *     The platform's own 400 is passed on; the adapter does not re-check.
 * A10 `enable_gateway` and `enableAdminPass` are sent as the documented strings.
 * A11 Tags ride in server `metadata` beside the control keys; a tag may not use a control key
 *     name (user_name, alias, zone_uuid, …) and values are ≤255 characters.
 * A12 `availability_zone` is the AZ *name* and `metadata.zone_uuid` its *id*: the spec's zone
 *     is the AZ id (as listZones reports), its name looked up by AZ-4 and cached 5 minutes.
 *     The CAS `zone:host:cvk` form is not produced: the scheduler picks the host.
 * A13 Quota refusals (403/413 "Quota exceeded…") → `quota`; codes are kept verbatim.
 * A14 `name` is a regex filter: listInstances sends `^name$` / `^prefix` (escaped) and filters exactly.
 * A15 Console: `url` or `URI`, whichever the answer has.
 * A16 Keypair get/delete use `/keypairs/{name}` (operations.ts).
 * A17 Image lists page by `limit` + `marker` from Glance's `next`; all pages are read.
 * A18 Keypair create requires a public key in operations.ts, so no private key is ever made.
 * A19 A 404 on get → null; on delete → already gone; a 409 on an action → `conflict`.
 * A20 resize, liveresize and createImage are not offered.
 * Adapter-side decisions:
 * A21 `{tenant_id}` is the login's project id; with a static token `options.projectId` is
 *     required (no documented call tells a token's project).
 * A22 Regions: none (no region API; one endpoint = one region) → `catalog.regions` is 501.
 *     Networks, security groups and volumes have no API in the document → 501; tags are
 *     written only at create (no metadata API is documented) → `instances.tags` is 501.
 * A23 SV-2 requires a network, security groups, a zone and `metadata.user_name`, which a
 *     MachineSpec may lack: `network.subnetId` is the network uuid, else
 *     `options.defaultNetworkId`; `securityGroupIds` are security group *names* (SV-2 keys
 *     them by name), else `options.defaultSecurityGroups`; zone else `options.defaultZoneId`;
 *     user_name is `options.userName`, else the login user. Missing → `invalid`, no call.
 * A24 Data disks and prepaid charging have no SV-2 field → `invalid`; the root disk size
 *     comes from the flavor (a spec's systemDisk is not sent).
 * A25 `enableAdminPass` is "1" when the spec gives a password or key, else "0" (image default).
 * A26 Start/stop/reboot are not idempotent on the wire (a repeat is a 409) and are sent once;
 *     a console request changes nothing and may be retried.
 * A27 Flavors marked `OS-FLV-DISABLED:disabled` are left out; AZs whose `resourceType` is
 *     `cinder` (storage AZs) are left out of zones.
 * A28 providerData is the server record minus `adminPass`, which the document returns in
 *     every server answer.
 */
import type { Image } from '../../domain/catalog.ts';
import type { ProviderInstance } from '../../domain/instance.ts';
import type { Capability } from '../../domain/providers.ts';
import {
  ProviderError,
  type AccountContext,
  type AdapterDeps,
  type CreateAccepted,
  type ProviderAdapter,
} from '../contract.ts';
import type { H3cCredentials, H3cOptions } from './account.ts';
import { TENANT, createH3cClient, glanceMarker, nextMarker, type H3cClient } from './client.ts';
import { planCreate } from './create-body.ts';
import { toImage, toInstance, toInstanceType, toZone } from './mapping.ts';
import {
  WireConsole,
  WireCreated,
  WireFlavorList,
  WireImageList,
  WireServerEnvelope,
  WireServerList,
  WireZone,
  WireZoneList,
} from './wire.ts';

/** What this adapter really does (A22): no regions, networks, tags, jobs or group scaling. */
export const H3C_CAPABILITIES = [
  'accounts.verify',
  'catalog.zones',
  'catalog.instance_types',
  'catalog.images',
  'instances.list',
  'instances.get',
  'instances.create',
  'instances.delete',
  'instances.start',
  'instances.stop',
  'instances.reboot',
  'instances.console',
  // Served by runOperation, which index.ts attaches with the operations catalog.
  'operations.run',
] as const satisfies readonly Capability[];

export const SERVERS = `/os/compute/v1/v2/${TENANT}/servers`;
export const AZONES = '/os/compute/v1/cloudos/azones';
const IMAGES = '/os/image/v1/v2/images';
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const IMAGE_PAGE = 200;
const ZONE_CACHE_MS = 5 * 60_000;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function isNotFound(err: unknown): boolean {
  return err instanceof ProviderError && err.kind === 'not_found';
}

export function createH3cAdapter(
  account: AccountContext<H3cCredentials, H3cOptions>,
  deps: AdapterDeps,
  client: H3cClient = createH3cClient(account, deps),
): ProviderAdapter {
  const { options } = account;
  const zoneNames = new Map<string, { name: string; at: number }>();
  const server = (id: string) => `${SERVERS}/${encodeURIComponent(id)}`;

  // A26: an action repeated after a lost answer would be a 409, so it is sent once.
  const action = (id: string, operation: string, body: unknown) =>
    client.send({ method: 'POST', path: `${server(id)}/action`, operation, idempotent: false, json: body });

  async function zoneName(zoneId: string): Promise<string> {
    const hit = zoneNames.get(zoneId);
    if (hit && Date.now() - hit.at < ZONE_CACHE_MS) return hit.name;
    try {
      const zone = await client.read(
        { method: 'GET', path: `${AZONES}/${encodeURIComponent(zoneId)}`, operation: 'zones.get', idempotent: true },
        WireZone,
      );
      zoneNames.set(zoneId, { name: zone.zone, at: Date.now() });
      return zone.zone;
    } catch (err) {
      // An unknown zone is bad input to the create, not a missing machine.
      if (isNotFound(err) && err instanceof ProviderError)
        throw new ProviderError('h3c-cloudos', 'instances.create', 'invalid', err.providerCode, err.providerMessage);
      throw err;
    }
  }

  return {
    kind: 'h3c-cloudos',
    capabilities: new Set(H3C_CAPABILITIES),

    async verifyCredentials() {
      // A fresh login proves the password now, not an hour ago; the servers call proves the project.
      client.forgetToken();
      await client.send({
        method: 'GET',
        path: SERVERS,
        operation: 'accounts.verify',
        idempotent: true,
        query: { limit: 1 },
      });
    },

    async listZones() {
      const zones = await client.read(
        { method: 'GET', path: AZONES, operation: 'catalog.zones', idempotent: true },
        WireZoneList,
      );
      return zones.filter((z) => z.resourceType !== 'cinder').map(toZone);
    },

    async listInstanceTypes() {
      const body = await client.read(
        {
          method: 'GET',
          path: `/os/compute/v1/v2/${TENANT}/flavors/detail`,
          operation: 'catalog.instance_types',
          idempotent: true,
        },
        WireFlavorList,
      );
      return body.flavors.filter((f) => f['OS-FLV-DISABLED:disabled'] !== true).map(toInstanceType);
    },

    async listImages() {
      const images: Image[] = [];
      let marker: string | null = null;
      // Bounded: a gateway that keeps answering `next` must not loop forever.
      for (let page = 0; page < 1000; page++) {
        const body: WireImageList = await client.read(
          {
            method: 'GET',
            path: IMAGES,
            operation: 'catalog.images',
            idempotent: true,
            query: { limit: IMAGE_PAGE, ...(marker ? { marker } : {}) },
          },
          WireImageList,
        );
        images.push(...body.images.map(toImage));
        marker = body.images.length > 0 ? glanceMarker(body.next) : null;
        if (!marker) break;
      }
      return images;
    },

    async listInstances(query) {
      const limit = Math.min(Math.max(query.pageSize ?? DEFAULT_PAGE, 1), MAX_PAGE);
      const body = await client.read(
        {
          method: 'GET',
          path: `${SERVERS}/detail`,
          operation: 'instances.list',
          idempotent: true,
          query: {
            limit,
            marker: query.pageToken,
            name:
              query.name !== undefined
                ? `^${escapeRegex(query.name)}$`
                : query.namePrefix !== undefined
                  ? `^${escapeRegex(query.namePrefix)}`
                  : undefined,
          },
        },
        WireServerList,
      );
      // The token follows the wire page, not the filtered one, so no machine is skipped.
      const nextPageToken = nextMarker(body.servers_links, body.servers.at(-1)?.id);
      const servers = body.servers.filter(
        (s) =>
          (query.name === undefined || s.name === query.name) &&
          (query.namePrefix === undefined || (s.name ?? '').startsWith(query.namePrefix)),
      );
      return { items: servers.map((s) => toInstance(s, options.statusMap)), nextPageToken };
    },

    async getInstance(id): Promise<ProviderInstance | null> {
      try {
        const body = await client.read(
          { method: 'GET', path: server(id), operation: 'instances.get', idempotent: true },
          WireServerEnvelope,
        );
        return toInstance(body.server, options.statusMap);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },

    async createInstance(req): Promise<CreateAccepted> {
      const plan = planCreate(req, options, client.userName);
      const body = plan.body(await zoneName(plan.zoneId));
      const created = await client.read(
        { method: 'POST', path: SERVERS, operation: 'instances.create', idempotent: false, json: body },
        WireCreated,
      );
      return { instanceId: created.server.id, jobId: null };
    },

    async deleteInstance(id) {
      try {
        await client.send({ method: 'DELETE', path: server(id), operation: 'instances.delete', idempotent: true });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },

    async startInstance(id) {
      await action(id, 'instances.start', { 'os-start': null });
    },
    async stopInstance(id) {
      await action(id, 'instances.stop', { 'os-stop': null });
    },
    async rebootInstance(id) {
      await action(id, 'instances.reboot', { reboot: { type: 'SOFT' } });
    },

    async getConsole(id) {
      const { console } = await client.read(
        {
          method: 'POST',
          path: `${server(id)}/action`,
          operation: 'instances.console',
          idempotent: true,
          json: { 'os-getVNCConsole': { type: options.consoleType } },
        },
        WireConsole,
      );
      return { type: console.type, url: console.url ?? console.URI ?? '', expiresAt: null };
    },
  };
}
