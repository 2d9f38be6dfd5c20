/**
 * Server read routes of the Inspur ECS simulator: op 1 list (page number in the path, search,
 * sort), op 2 detail, op 10 list tags, op 11 replace tags. Actions live in simulator-actions.ts.
 *
 * Route precedence (catalog §3): `/v1/servers/{id}/tags` has a literal second segment, so the
 * router prefers it to `/v1/servers/{pageNo}/{pageSize}`; the list also refuses non-numeric
 * page segments (A19).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { type InspurContext, fail, fieldOf, ok } from './simulator-context.ts';
import { renderServer, serverAttrs } from './simulator-render.ts';
import { isAbnormal, isInspurStatus, statusOf } from './simulator-status.ts';

const Digits = z.string().regex(/^\d+$/);
const MAX_PAGE_SIZE = 1000;

const ListQuery = z.object({
  searchValue: z.string().optional(),
  searchField: z.enum(['status', 'uuid', 'name', 'ip']).optional(),
  sortField: z.enum(['createTime', 'name', 'status']).optional(),
  sortOrder: z.enum(['descend', 'ascend']).optional(),
  // A19: the path's page wins; these duplicates are only checked.
  page: Digits.optional(),
  pageSize: Digits.optional(),
});
type ListQuery = z.infer<typeof ListQuery>;

const TagsValue = z.string();

type Search = ((i: SimInstance) => boolean) | 'invalid';

// A21: what searchField/searchValue select.
function searchOf(q: ListQuery): Search {
  const value = q.searchValue ?? '';
  if (value === '') return () => true;
  const v = value.toLowerCase();
  const ip = (i: SimInstance) => serverAttrs(i).fixedIp;
  switch (q.searchField) {
    case undefined:
      return (i) =>
        i.name.toLowerCase().includes(v) || i.id.includes(v) || ip(i).includes(v) || statusOf(i).toLowerCase() === v;
    case 'name':
      return (i) => i.name.toLowerCase().includes(v);
    case 'uuid':
      return (i) => i.id === value;
    case 'ip':
      return (i) => ip(i) === value;
    case 'status': {
      if (v === 'all') return () => true;
      if (v === 'unusual') return isAbnormal;
      const wanted = value.toUpperCase();
      return isInspurStatus(wanted) ? (i) => statusOf(i) === wanted : 'invalid';
    }
  }
}

// A20: creation order unless told otherwise; equal keys keep creation order (reversed when descending).
function comparator(q: ListQuery): (a: SimInstance, b: SimInstance) => number {
  const dir = (q.sortOrder ?? 'ascend') === 'descend' ? -1 : 1;
  const key = (i: SimInstance): number | string =>
    q.sortField === 'name' ? i.name : q.sortField === 'status' ? statusOf(i) : i.createdAt;
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.seq - b.seq;
    return c * dir;
  };
}

export function registerServerRoutes(app: FastifyInstance, ctx: InspurContext): void {
  const { engine } = ctx;
  const find = (tenant: string, id: string) => engine.instances.get(tenant, id);

  app.get<{ Params: { pageNo: string; pageSize: string } }>(
    '/v1/servers/:pageNo/:pageSize',
    { config: { simOp: 'servers.list' } },
    async (req, reply) => {
      const pageNo = Digits.safeParse(req.params.pageNo).success ? Number(req.params.pageNo) : 0;
      if (pageNo < 1) return fail(reply, ctx, 'param', 'pageNo');
      const pageSize = Digits.safeParse(req.params.pageSize).success ? Number(req.params.pageSize) : 0;
      if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) return fail(reply, ctx, 'param', 'pageSize');
      const q = ListQuery.safeParse(req.query);
      if (!q.success) return fail(reply, ctx, 'param', fieldOf(q.error.issues, 'query'));
      const match = searchOf(q.data);
      if (match === 'invalid') return fail(reply, ctx, 'param', 'searchValue');
      const now = engine.clock.now();
      // A22: a live view, sorted and cut on every call: what moved since the last page shifts the pages.
      const all = engine.instances
        .all(ctx.tenantOf(req).id)
        .filter((i) => i.visibleAt <= now && match(i))
        .sort(comparator(q.data));
      const start = (pageNo - 1) * pageSize;
      return ok(reply, {
        // A7: this operation's example sends the code as a string, with its own message.
        code: '200',
        message: 'ECS application ECS module message:OK',
        data: {
          totalCount: all.length,
          servers: all.slice(start, start + pageSize).map((i) => renderServer(ctx, i, 'list')),
        },
      });
    },
  );

  app.get<{ Params: { server_id: string } }>(
    '/v1/servers/:server_id',
    { config: { simOp: 'servers.get' } },
    async (req, reply) => {
      const inst = find(ctx.tenantOf(req).id, req.params.server_id);
      if (!inst) return fail(reply, ctx, 'noServer', req.params.server_id);
      return ok(reply, { message: 'OK', data: { server: renderServer(ctx, inst, 'detail') } });
    },
  );

  app.get<{ Params: { server_id: string } }>(
    '/v1/servers/:server_id/tags',
    { config: { simOp: 'servers.tags_list' } },
    async (req, reply) => {
      const inst = find(ctx.tenantOf(req).id, req.params.server_id);
      if (!inst) return fail(reply, ctx, 'noServer', req.params.server_id);
      return ok(reply, { message: 'success', data: { tags: serverAttrs(inst).tags } });
    },
  );

  // A27: `tags` ("params") from the query string, a form body or a JSON body; a comma-separated string.
  app.post<{ Params: { server_id: string } }>(
    '/v1/servers/:server_id/tags',
    { config: { simOp: 'servers.tags_update' } },
    async (req, reply) => {
      const query = req.query as Record<string, unknown>;
      const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
      const raw = query.tags ?? body.tags ?? '';
      const parsed = TagsValue.safeParse(raw);
      if (!parsed.success) return fail(reply, ctx, 'param', 'tags');
      const inst = find(ctx.tenantOf(req).id, req.params.server_id);
      if (!inst) return fail(reply, ctx, 'noServer', req.params.server_id);
      const tags = [
        ...new Set(
          parsed.data
            .split(',')
            .map((t) => t.trim())
            .filter((t) => t !== ''),
        ),
      ];
      engine.instances.update(inst.id, { attrs: { tags } });
      return ok(reply, { message: 'OK', data: null });
    },
  );
}
