/**
 * Image routes of the Inspur ECS simulator: op 13 list, op 14 list private, op 15 detail,
 * op 16 delete, op 17 batch delete (both documented paths), op 18 update. Op 12 (create from a
 * server) is an action, in simulator-actions.ts.
 *
 * Route precedence (catalog §3): `/v1/images/private` is a literal segment, which the router
 * prefers to `/v1/images/{imageId}`; `DELETE`/`PATCH` of `/v1/images/private` name an image.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type InspurContext, fail, fieldOf, ok, sendRefusal } from './simulator-context.ts';
import { type WireRefusal, batchDeleteSummary, refusal } from './simulator-errors.ts';
import { type LiveImage, deleteImage, imageById, imagesOf, renderImage, updateImage } from './simulator-image-store.ts';
import { serverAttrs } from './simulator-render.ts';

const Digits = z.string().regex(/^\d+$/);
const MAX_PAGE_SIZE = 1000;

// A30: the document shows these as a JSON object; on a GET they are the query string.
const ListQuery = z.object({
  searchValue: z.string().optional(),
  sortField: z.enum(['createTime', 'name']).optional(),
  sortOrder: z.enum(['descend', 'ascend']).optional(),
  page: Digits.optional(),
  pageSize: Digits.optional(),
  visibility: z.enum(['private', 'public']).optional(),
});
const PrivateQuery = z.object({ tag: z.string().min(1) });
const BatchDeleteBody = z.object({
  images: z
    .array(z.object({ id: z.string().min(1) }))
    .min(1)
    .max(100),
});
// A37: Glance-style patch operations on the two fields the document names.
const PatchBody = z
  .array(
    z.object({
      op: z.enum(['add', 'replace', 'remove']),
      path: z.enum(['/name', '/description']),
      value: z.string().max(255).optional(),
    }),
  )
  .min(1);

// A20, A30: creation order (oldest first) by default; images made at one instant keep their order.
function sorted(images: LiveImage[], order: 'descend' | 'ascend', field: 'createTime' | 'name'): LiveImage[] {
  const dir = order === 'descend' ? -1 : 1;
  const key = (i: LiveImage) => (field === 'name' ? i.name : i.createdAt);
  return [...images].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : a.attrs.seq - b.attrs.seq) * dir;
  });
}

export function registerImageRoutes(app: FastifyInstance, ctx: InspurContext): void {
  const { engine } = ctx;
  const language = ctx.language;

  /** Why an image may not be deleted now, or null (A35). */
  const deleteRefusal = (image: LiveImage): WireRefusal | null => {
    if (image.status === 'pending_delete') return null;
    if (image.attrs.visibility !== 'private' || image.attrs.protected) return refusal('imageDeleteFailed', language);
    const user = engine.instances.all().find((i) => serverAttrs(i).imageId === image.id);
    return user ? refusal('imageInUse', language, user.name) : null;
  };

  app.get('/v1/images', { config: { simOp: 'images.list' } }, async (req, reply) => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) return fail(reply, ctx, 'param', fieldOf(q.error.issues, 'query'));
    const page = Number(q.data.page ?? '1');
    const pageSize = Number(q.data.pageSize ?? '10');
    if (page < 1) return fail(reply, ctx, 'param', 'page');
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) return fail(reply, ctx, 'param', 'pageSize');
    const v = (q.data.searchValue ?? '').toLowerCase();
    const matching = imagesOf(engine, ctx.tenantOf(req).id).filter(
      (i) =>
        (q.data.visibility === undefined || i.attrs.visibility === q.data.visibility) &&
        (v === '' || i.name.toLowerCase().includes(v) || i.id.includes(v)),
    );
    const ordered = sorted(matching, q.data.sortOrder ?? 'ascend', q.data.sortField ?? 'createTime');
    const start = (page - 1) * pageSize;
    return ok(reply, {
      message: 'OK',
      data: {
        totalCount: ordered.length,
        images: ordered.slice(start, start + pageSize).map((i) => renderImage(i, 'list')),
      },
    });
  });

  // A32: every private image of the caller carrying the tag, unpaged.
  app.get('/v1/images/private', { config: { simOp: 'images.list_private' } }, async (req, reply) => {
    const q = PrivateQuery.safeParse(req.query);
    if (!q.success) return fail(reply, ctx, 'param', 'tag');
    const tenant = ctx.tenantOf(req).id;
    const mine = imagesOf(engine, tenant).filter((i) => i.tenant === tenant && i.attrs.tags.includes(q.data.tag));
    const images = sorted(mine, 'ascend', 'createTime').map((i) => renderImage(i, 'list'));
    return ok(reply, { message: 'OK', data: { totalCount: images.length, images } });
  });

  // A33: no not-found code is documented for images.
  const noImage = (reply: FastifyReply, id: string) => fail(reply, ctx, 'noImage', id);

  app.get<{ Params: { imageId: string } }>(
    '/v1/images/:imageId',
    { config: { simOp: 'images.get' } },
    async (req, reply) => {
      const image = imageById(engine, req.params.imageId, ctx.tenantOf(req).id);
      if (!image) return noImage(reply, req.params.imageId);
      return ok(reply, { message: 'OK', data: renderImage(image, 'detail') });
    },
  );

  app.delete<{ Params: { image_id: string } }>(
    '/v1/images/:image_id',
    { config: { simOp: 'images.delete' } },
    async (req, reply) => {
      const image = imageById(engine, req.params.image_id, ctx.tenantOf(req).id);
      if (!image) return noImage(reply, req.params.image_id);
      const refused = deleteRefusal(image);
      if (refused) return sendRefusal(reply, refused);
      deleteImage(engine, image);
      // A7: the example answers without a message, and `data` is an empty string.
      return ok(reply, { data: '' });
    },
  );

  // A36: the index and the section name two paths; both are served.
  const batchDelete = async (req: { body: unknown; tenant: string }, reply: FastifyReply) => {
    const body = BatchDeleteBody.safeParse(req.body);
    if (!body.success) return fail(reply, ctx, 'param', fieldOf(body.error.issues, 'images'));
    let deleted = 0;
    let failed = 0;
    for (const { id } of body.data.images) {
      const image = imageById(engine, id, req.tenant);
      // A39: a per-image fault rule (`images.batch_delete.item`, key = image id) fails that one.
      if (!image || deleteRefusal(image) || engine.faults.check('images.batch_delete.item', id)) {
        failed++;
        continue;
      }
      deleteImage(engine, image);
      deleted++;
    }
    const status = batchDeleteSummary(deleted, failed, language);
    if (deleted === 0) return fail(reply, ctx, 'imageDeleteFailed', '', { status });
    return ok(reply, { message: 'OK', data: { status } });
  };
  for (const path of ['/v1/images/delete', '/v1/images/action/delete'])
    app.post(path, { config: { simOp: 'images.batch_delete' } }, async (req, reply) =>
      batchDelete({ body: req.body, tenant: ctx.tenantOf(req).id }, reply),
    );

  app.patch<{ Params: { image_id: string } }>(
    '/v1/images/:image_id',
    { config: { simOp: 'images.update' } },
    async (req, reply) => {
      const body = PatchBody.safeParse(req.body);
      if (!body.success) return fail(reply, ctx, 'param', fieldOf(body.error.issues, 'body'));
      const change: { name?: string; description?: string } = {};
      for (const p of body.data) {
        if (p.op === 'remove') {
          if (p.path === '/name') return fail(reply, ctx, 'param', 'path');
          change.description = '';
        } else if (p.value === undefined || (p.path === '/name' && p.value.trim() === '')) {
          return fail(reply, ctx, 'param', 'value');
        } else if (p.path === '/name') change.name = p.value;
        else change.description = p.value;
      }
      const image = imageById(engine, req.params.image_id, ctx.tenantOf(req).id);
      if (!image) return noImage(reply, req.params.image_id);
      if (image.status === 'queued' || image.status === 'saving') return fail(reply, ctx, 'imageBusy');
      if (image.attrs.visibility !== 'private') return fail(reply, ctx, 'imageNotPrivate');
      if (image.status === 'pending_delete') return fail(reply, ctx, 'imageUpdateFailed');
      updateImage(engine, image, {
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.description !== undefined ? { attrs: { description: change.description } } : {}),
      });
      return ok(reply, { data: '', message: 'update image success' });
    },
  );
}
