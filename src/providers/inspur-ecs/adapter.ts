/**
 * Inspur ECS adapter: the unified contract over the cloud-server API of seed 004 (catalog
 * ../shared/providers/inspur-ecs.md), a REST facade over Nova and Glance. It manages servers
 * that already exist and their images: the document has no create, delete, resize, flavor,
 * network or region call, so scaling is `none` and those capabilities answer 501.
 *
 * The document's ambiguities and the choice made for each (the simulator tags the same ids):
 * A40 No authentication is documented. An optional token goes in `Authorization: Bearer …`;
 *     `options.authHeader` / `options.authScheme` change the header and the word before it
 *     (`''` = bare token). Without a token no auth header is sent.
 * A41 The envelope's `code` is read as a string (`200`, `"200"`, `"101.001012"`). Success is
 *     HTTP 2xx with code 200 or 201; anything else fails, at any HTTP status, with the code as
 *     sent and the message as decoded from the JSON.
 * A42 Common codes are listed bare (`001012`), per-operation ones with `101.`: the error kind
 *     is looked up by the six-digit part, so either spelling works; the code stays verbatim.
 * A43 Not-found is HTTP 400 with `001033`; `001013` ("unknown ownership": not the caller's, or
 *     absent) is not_found too. getInstance answers null for either.
 * A44 Kinds: 001012, 001014, 003011, 003015, 003016 → conflict (a state forbids it); 001002,
 *     003017 → invalid; 001040, 003005, 003006, 003007 → unavailable. An unknown code that is
 *     an HTTP status (401, 429, 503) is read as one; else the HTTP status decides; else invalid.
 * A45 Servers page by path, `GET /v1/servers/{pageNo}/{pageSize}`, 1-based. The query
 *     `page`/`pageSize` the table repeats are not sent (the path wins). The page token is
 *     `p{pageNo}s{pageSize}`, so a pass keeps its page size; a next page exists while
 *     pageNo·pageSize < totalCount. Page size 1–100 (no maximum is documented; 100 is safe).
 * A46 Page numbers over a live list are not a consistent picture: a server that moves between
 *     pages during a pass (another one appears or goes before it) can be missed or seen
 *     twice. Declared `paging: {style: 'page_number', consistent: false}`; a pass with
 *     nothing changing sees each server once.
 * A47 `status` and `task_state` are case-insensitive; the three listed task states win over
 *     the status row; other task values (the example's `xxx`) leave the status row to decide;
 *     STOPPED is SHUTOFF's twin (statuses.ts).
 * A48 The unified reboot sends `{"reboot":{"type":"SOFT"}}` (`options.rebootType` may make it
 *     HARD); the operation `servers.reboot` chooses per call. SOFT needs ACTIVE (line 612).
 * A49 Actions are asynchronous with no job id: the adapter sends them once (a repeat would be
 *     a 001012 refusal) and the status shows the transition. A precondition failure surfaces
 *     the platform's code and message as `conflict`; nothing is pre-checked here.
 * A50 Tags are plain strings: `{k: v}` ↔ `k=v`, `{k: ''}` ↔ `k`; a comma (the separator) or a
 *     key's `=` is refused before any call. The replacement goes as the query string
 *     (`POST …/tags?tags=a,b`; `tags=` clears). The server record has no tags, so get and list
 *     read them with op 10, one call per server (`options.listTags: false` skips it in lists).
 * A51 Batch bodies nest `servers: [{id}]` inside the action object, as the examples do (the
 *     tables say a sibling array of strings). At most 100 servers per call (chunked). A batch
 *     is taken as all-or-nothing: when it is refused for a server-level reason (001012,
 *     001013, 001014, 001033) the adapter sends the action to each server of it alone, so each
 *     gets its own outcome and only the refused ones carry the platform's code and message.
 * A52 Batch image delete is served at `options.batchDeletePath` (default `/v1/images/delete`,
 *     the section's; the index says `/v1/images/action/delete`). Its answer is free text
 *     (`删除成功2台,删除失败1台`): kept verbatim and read into counts when it has them.
 * A53 Image update is a JSON array of `{op: "add", path: "/name"|"/description", value}` sent
 *     as application/json (the only op and paths the document shows).
 * A54 createImage: `tenant_id` has no documented location and is not sent (the token names the
 *     project); `metadata` is omitted when empty. The answer is code 201 with `image_id`.
 * A55 Times: ISO with `Z` or a `±hhmm` offset (parsed explicitly), and zone-less
 *     `YYYY-MM-DD HH:mm:ss` read as China Standard Time (UTC+8).
 * A56 The private image list sends `tag` (`options.privateImageTag`, default ECS) as a query
 *     parameter and reads every image in one answer.
 * A57 The image list pages by query `page`/`pageSize`; listImages reads every page.
 * A58 `regionID` or `regionId`; instanceType is `flavor.original_name` (flavors have no id
 *     here); private IPs are `nics[].fixed_ip`, the public one `eip.ip_addr`.
 * A59 Not offered (501): regions, zones, instance types, networks, create, delete, jobs and
 *     group scaling (`scaling: 'none'`).
 * A60 providerData is the server record minus secret-looking fields; the document returns
 *     none, the strip is defensive.
 * A61 The console is `os-getVNCConsole` with `options.consoleType` (default novnc); its URL
 *     holds a one-time token with no stated lifetime, so expiresAt is null.
 * A62 The delete-image answer may lack `message` and carries `data: ""`: accepted.
 * A63 Batch stop sends no `type` (the example's `"HARD"` is undocumented); single stop neither.
 * A64 verifyCredentials lists one server (`GET /v1/servers/1/1`): the cheapest read that
 *     needs the token.
 * A65 A `name` query asks `searchField=name&searchValue=<name>` and keeps exact matches only
 *     (the platform's match may be fuzzy); `namePrefix` is filtered locally.
 * A66 The default list order is undocumented: listInstances asks `sortField=createTime&
 *     sortOrder=ascend` (the example's field, `ascend` = oldest first), so a server created
 *     during a pass lands on a page not yet read; only one that goes away shifts the pages.
 */
import type { Image } from '../../domain/catalog.ts';
import type { ProviderInstance, Tags } from '../../domain/instance.ts';
import type { Capability } from '../../domain/providers.ts';
import { ProviderError, type AccountContext, type AdapterDeps, type ProviderAdapter } from '../contract.ts';
import type { InspurCredentials, InspurOptions } from './account.ts';
import {
  createInspurClient,
  decodePageToken,
  encodePageToken,
  invalid,
  nextPage,
  type InspurClient,
} from './client.ts';
import { decodeTags, encodeTags, toImage, toInstance } from './mapping.ts';
import { WireConsole, WireImagePage, WireServerDetail, WireServerPage, WireTags } from './wire.ts';
import { createPowerActions, mapLimited } from './actions.ts';

/** What this adapter really does (A59). */
export const INSPUR_CAPABILITIES = [
  'accounts.verify',
  'catalog.images',
  'instances.list',
  'instances.get',
  'instances.start',
  'instances.stop',
  'instances.reboot',
  'instances.batch_action',
  'instances.tags',
  'instances.console',
  // Served by runOperation, which index.ts attaches with the operations catalog.
  'operations.run',
] as const satisfies readonly Capability[];

export const SERVERS = '/v1/servers';
export const serverPath = (id: string) => `${SERVERS}/${encodeURIComponent(id)}`;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 100;
const IMAGE_PAGE = 100;
/** Tag reads in flight at once for one list page. */
const TAG_READS = 4;

const isNotFound = (err: unknown) => err instanceof ProviderError && err.kind === 'not_found';

export function createInspurAdapter(
  account: AccountContext<InspurCredentials, InspurOptions>,
  deps: AdapterDeps,
  client: InspurClient = createInspurClient(account, deps),
): ProviderAdapter {
  const { options } = account;

  async function readTags(id: string, operation: string): Promise<Tags> {
    const data = await client.call(
      { method: 'GET', path: `${serverPath(id)}/tags`, operation, idempotent: true },
      WireTags,
    );
    return decodeTags(data.tags);
  }

  const power = createPowerActions(client, options.rebootType);

  return {
    kind: 'inspur-ecs',
    capabilities: new Set(INSPUR_CAPABILITIES),

    async verifyCredentials() {
      await client.call(
        { method: 'GET', path: `${SERVERS}/1/1`, operation: 'accounts.verify', idempotent: true },
        WireServerPage,
      );
    },

    async listImages() {
      const seen = new Map<string, Image>();
      // Bounded: a platform whose total never comes in reach must not loop forever.
      for (let pageNo = 1; pageNo <= 1000; pageNo++) {
        const data = await client.call(
          {
            method: 'GET',
            path: '/v1/images',
            operation: 'catalog.images',
            idempotent: true,
            query: { page: pageNo, pageSize: IMAGE_PAGE },
          },
          WireImagePage,
        );
        const images = data.images ?? [];
        // Page numbers shift when images come and go: an image seen twice is kept once.
        for (const i of images) seen.set(i.id, toImage(i));
        if (!nextPage({ pageNo, pageSize: IMAGE_PAGE }, images.length, data.totalCount)) break;
      }
      return [...seen.values()];
    },

    async listInstances(query) {
      const cursor = query.pageToken
        ? decodePageToken(query.pageToken)
        : { pageNo: 1, pageSize: Math.min(Math.max(Math.trunc(query.pageSize ?? DEFAULT_PAGE), 1), MAX_PAGE) };
      if (!cursor) throw invalid('instances.list', 'the page token was not issued by this adapter');
      const data = await client.call(
        {
          method: 'GET',
          path: `${SERVERS}/${cursor.pageNo}/${cursor.pageSize}`,
          operation: 'instances.list',
          idempotent: true,
          query: {
            // A66: oldest first, so a server created during a pass lands after the pages read.
            sortField: 'createTime',
            sortOrder: 'ascend',
            ...(query.name !== undefined ? { searchField: 'name', searchValue: query.name } : {}),
          },
        },
        WireServerPage,
      );
      const servers = data.servers ?? [];
      // The token follows the wire page, not the filtered one, so no server is skipped.
      const next = nextPage(cursor, servers.length, data.totalCount);
      const kept = servers.filter(
        (s) =>
          (query.name === undefined || s.name === query.name) &&
          (query.namePrefix === undefined || (s.name ?? '').startsWith(query.namePrefix)),
      );
      const tags = options.listTags
        ? await mapLimited(kept, TAG_READS, (s) =>
            // A server gone between the list and its tag read is listed as seen, without tags.
            readTags(s.id, 'instances.list').catch((err: unknown) => {
              if (isNotFound(err)) return {};
              throw err;
            }),
          )
        : [];
      return {
        items: kept.map((s, i) => toInstance(s, tags[i] ?? {}, options.statusMap)),
        nextPageToken: next ? encodePageToken(next) : null,
      };
    },

    async getInstance(id): Promise<ProviderInstance | null> {
      const [detail, tags] = await Promise.allSettled([
        client.call(
          { method: 'GET', path: serverPath(id), operation: 'instances.get', idempotent: true },
          WireServerDetail,
        ),
        readTags(id, 'instances.get'),
      ]);
      if (detail.status === 'rejected') {
        if (isNotFound(detail.reason)) return null;
        throw detail.reason;
      }
      if (tags.status === 'rejected' && !isNotFound(tags.reason)) throw tags.reason;
      return toInstance(detail.value.server, tags.status === 'fulfilled' ? tags.value : {}, options.statusMap);
    },

    startInstance: (id) => power.act('start', id),
    stopInstance: (id) => power.act('stop', id),
    rebootInstance: (id) => power.act('reboot', id),

    batchAction: (action, ids) => power.batch(action, ids),

    async setTags(id, tags) {
      const encoded = encodeTags(tags);
      if (!encoded.ok) throw invalid('instances.tags', `tag ${JSON.stringify(encoded.key)}: ${encoded.why}`);
      await client.send({
        method: 'POST',
        path: `${serverPath(id)}/tags`,
        operation: 'instances.tags',
        // A whole-set replacement: sending it twice leaves the same tags.
        idempotent: true,
        query: { tags: encoded.tags.join(',') },
      });
    },

    async getConsole(id) {
      const { console } = await client.call(
        {
          method: 'POST',
          path: `${serverPath(id)}/action`,
          operation: 'instances.console',
          // Asking for a console URL changes nothing on the server.
          idempotent: true,
          json: { 'os-getVNCConsole': { type: options.consoleType } },
        },
        WireConsole,
      );
      return { type: console.type ?? options.consoleType, url: console.url, expiresAt: null };
    },
  };
}
