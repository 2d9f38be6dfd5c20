/**
 * Templates: a machine spec checked against its account's catalog when it
 * is saved, so an expand never starts from a spec the platform would
 * refuse for a reason we could have seen. The login password is sealed.
 */
import type { Prisma, PrismaClient, Template as TemplateRow } from '../generated/prisma/client.ts';
import type { FieldError } from '../domain/errors.ts';
import { conflict, notFound } from '../domain/errors.ts';
import type { MachineSpec } from '../domain/machine-spec.ts';
import { ProviderKind } from '../domain/providers.ts';
import type { CreateTemplate, Template, UpdateTemplate } from '../domain/template.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { SecretBox } from '../db/secret-box.ts';
import { sealSpec, slugPrefix, type StoredSpec, templateNamePrefix } from '../db/template-spec.ts';
import type { Provider } from '../providers/registry.ts';
import type { AccountProviders } from '../inventory/account-providers.ts';
import type { CatalogCache } from '../inventory/catalog-cache.ts';
import { keyset, toPage } from './pagination.ts';
import { validationFailed } from './validation.ts';
import { assertCanHoldGroup } from '../tasks/strategy.ts';
import { lockTemplate } from '../tasks/scheduling.ts';
import { FINAL_TASK_STATUSES } from '../domain/task.ts';
import type { AuditLog } from '../db/audit.ts';

export function toTemplateView(row: TemplateRow & { account: { provider: string } }): Template {
  const s = row.spec as StoredSpec;
  const { passwordCipher, ...login } = s.login ?? {};
  return {
    id: row.id,
    name: row.name,
    accountId: row.accountId,
    provider: ProviderKind.parse(row.account.provider),
    namePrefix: templateNamePrefix(row),
    spec: { ...s, login: { ...login, passwordSet: Boolean(passwordCipher) } } as Template['spec'],
    activeTaskId: row.activeTaskId,
    orphanPolicy: row.orphanPolicy,
    orphansFound: row.orphansFound,
    lastOrphanAt: row.lastOrphanAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

export function createTemplateService(deps: {
  prisma: PrismaClient;
  providers: AccountProviders;
  catalog: CatalogCache;
  box: SecretBox;
  audit: AuditLog;
}) {
  const { prisma, audit } = deps;
  const include = { account: { select: { provider: true } } } as const;

  /** Each catalog the platform has must contain what the spec names. */
  async function checkAgainstCatalog(accountId: string, provider: Provider, spec: MachineSpec) {
    const errors: FieldError[] = [];
    const cached = <T>(kind: string, load: () => Promise<T>) => deps.catalog.get(`${accountId}:${kind}`, load);
    if (spec.zone && provider.supports('catalog.zones')) {
      const zones = await cached('zones', () => provider.listZones());
      if (!zones.some((z) => z.id === spec.zone || z.name === spec.zone)) {
        errors.push({ in: 'body', pointer: '/spec/zone', detail: `zone ${spec.zone} is not in the account's catalog` });
      }
    }
    if (provider.supports('catalog.instance_types')) {
      const types = await cached('instance-types', () => provider.listInstanceTypes());
      const type = types.find((t) => t.id === spec.instanceType || t.name === spec.instanceType);
      if (!type)
        errors.push({
          in: 'body',
          pointer: '/spec/instanceType',
          detail: `instance type ${spec.instanceType} is not in the account's catalog`,
        });
      else if (spec.zone && type.zones && !type.zones.includes(spec.zone)) {
        errors.push({
          in: 'body',
          pointer: '/spec/instanceType',
          detail: `instance type ${spec.instanceType} is not offered in zone ${spec.zone}`,
        });
      }
    }
    if (provider.supports('catalog.images')) {
      const images = await cached('images', () => provider.listImages());
      if (!images.some((i) => i.id === spec.image || i.name === spec.image)) {
        errors.push({
          in: 'body',
          pointer: '/spec/image',
          detail: `image ${spec.image} is not in the account's catalog`,
        });
      }
    }
    if (errors.length) throw validationFailed(errors);
  }

  /** A deleted template is not found unless asked for: its tasks still name it (docs/history.md). */
  async function load(id: string, includeDeleted = false) {
    const row = await prisma.template.findFirst({
      where: { id, ...(includeDeleted ? {} : { deletedAt: null }) },
      include,
    });
    if (!row) throw notFound('template', id);
    return row;
  }
  const audited = (action: string, id: string, before: Template | null, after: Template | null) => ({
    action: `template.${action}`,
    resourceType: 'template' as const,
    resourceId: id,
    before,
    after,
  });

  const stored = (spec: MachineSpec, namePrefix: string) =>
    ({ ...sealSpec(spec, deps.box), namePrefix }) as unknown as Prisma.InputJsonValue;

  return {
    load,
    async create(input: CreateTemplate): Promise<Template> {
      const { provider } = await deps.providers.resolve(input.accountId).catch((err: unknown) => {
        throw err instanceof Error && err.name === 'ApiError'
          ? validationFailed([
              { in: 'body', pointer: '/accountId', detail: `account ${input.accountId} does not exist` },
            ])
          : err;
      });
      assertCanHoldGroup(provider);
      await checkAgainstCatalog(input.accountId, provider, input.spec);
      const namePrefix = input.namePrefix ?? slugPrefix(input.name);
      // On a platform that scales its own groups, the template is backed by one, made first: a
      // refusal there changes nothing here. (A crash right after leaves an unused platform group.)
      const group = provider.supports('groups.create')
        ? await provider.createGroup({ name: input.name, namePrefix, spec: input.spec, tags: input.spec.tags })
        : null;
      try {
        const row = await audit.write(
          (tx) =>
            tx.template.create({
              data: {
                name: input.name,
                accountId: input.accountId,
                orphanPolicy: input.orphanPolicy,
                groupId: group?.groupId ?? null,
                spec: stored(input.spec, namePrefix),
              },
              include,
            }),
          (r) => audited('create', r.id, null, toTemplateView(r)),
        );
        return toTemplateView(row);
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict(`a template named "${input.name}" exists already`, { field: 'name' });
        throw err;
      }
    },

    async list(limit: number, cursor: string | undefined, accountId?: string, includeDeleted = false) {
      const page = keyset('createdAt', 'asc', cursor);
      const rows = await prisma.template.findMany({
        where: { AND: [page.where, accountId ? { accountId } : {}, includeDeleted ? {} : { deletedAt: null }] },
        orderBy: page.orderBy,
        take: limit + 1,
        include,
      });
      return toPage(rows, limit, (r) => r.createdAt, toTemplateView);
    },

    get: async (id: string, includeDeleted = false) => toTemplateView(await load(id, includeDeleted)),

    async update(id: string, patch: UpdateTemplate): Promise<Template> {
      const current = await load(id);
      const view = toTemplateView(current);
      let spec = current.spec as unknown as Prisma.InputJsonValue;
      if (patch.spec) {
        const { provider } = await deps.providers.resolve(current.accountId);
        await checkAgainstCatalog(current.accountId, provider, patch.spec);
        spec = stored(patch.spec, patch.namePrefix ?? view.namePrefix);
        // Keep the platform's group in step; a platform that cannot change it says so (501) and nothing changes here.
        if (current.groupId)
          await provider.updateGroup(current.groupId, {
            name: patch.name ?? current.name,
            namePrefix: patch.namePrefix ?? view.namePrefix,
            spec: patch.spec,
            tags: patch.spec.tags,
          });
      } else if (patch.namePrefix) {
        spec = { ...(current.spec as object), namePrefix: patch.namePrefix } as Prisma.InputJsonValue;
      }
      try {
        return toTemplateView(
          await audit.write(
            (tx) =>
              tx.template.update({
                where: { id },
                data: { name: patch.name, spec, orphanPolicy: patch.orphanPolicy },
                include,
              }),
            (r) => audited('update', id, view, toTemplateView(r)),
          ),
        );
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict(`a template named "${patch.name}" exists already`, { field: 'name' });
        throw err;
      }
    },

    async remove(id: string) {
      const row = await load(id);
      if (row.activeTaskId) throw conflict('a scaling task is running on this template', { taskId: row.activeTaskId });
      const live = await prisma.instance.count({ where: { templateId: id, deletedAt: null } });
      if (live > 0)
        throw conflict(`the template's group still has ${live} machine(s); shrink it to zero first`, {
          instances: live,
        });
      // The platform's group goes first: if the platform refuses, the template stays. A platform that
      // cannot remove groups at all keeps it, and the answer says which.
      let groupKept: string | null = null;
      if (row.groupId) {
        const { provider } = await deps.providers.resolve(row.accountId);
        if (provider.supports('groups.delete')) await provider.deleteGroup(row.groupId);
        else groupKept = row.groupId;
      }
      // Soft delete: its tasks, their items and events stay readable and keep naming it. Checked
      // again under the template's lock, so a task admitted since the checks above is not orphaned.
      await audit.write(
        async (tx) => {
          await lockTemplate(tx, id);
          const open = await tx.task.findFirst({
            where: { templateId: id, status: { notIn: [...FINAL_TASK_STATUSES] } },
            select: { id: true },
          });
          if (open) throw conflict('a scaling task is running on this template', { taskId: open.id });
          const machines = await tx.instance.count({ where: { templateId: id, deletedAt: null } });
          if (machines > 0)
            throw conflict(`the template's group still has ${machines} machine(s); shrink it to zero first`, {
              instances: machines,
            });
          // The sealed login password has no use any more; nothing secret outlives the template.
          const { passwordCipher: _erased, ...login } = (row.spec as StoredSpec).login ?? {};
          const spec = { ...(row.spec as object), login } as Prisma.InputJsonValue;
          return tx.template.update({ where: { id }, data: { deletedAt: new Date(), spec }, include });
        },
        () => audited('delete', id, toTemplateView(row), null),
      );
      return { groupKept };
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
