/**
 * Security-group rules: #87 search, #88 add, #89 delete, #90 the rules that reach a VM, #91 the
 * rules not in effect yet, #92 retry them. Request keys are dotted, search answers underscored,
 * #88 answers a dotted `aclrule.id` (D32). A36: a rule takes effect on a VM at once when the VM
 * runs; on a VM that does not run it waits (listed by #91, `aclrule_status` "false" in #90)
 * until a retry (#92) finds the VM running, each retry counting in `retry.num`.
 */
import { z } from 'zod';
import type { Rec, SvcContext } from './simulator-context.ts';
import { vmOf } from './simulator-context.ts';
import { validPorts } from './simulator-acl.ts';
import type { SgAttrs, SgRuleAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { nicsOf } from './simulator-vm-common.ts';
import { PAGE_FIELDS, bool, exact, f, fuzzy, paged, refuse, splitList } from './simulator-wire.ts';

export function sgOf(ctx: SvcContext, tenant: string, id: string): Rec<SgAttrs> {
  const g = ctx.store.sg.get(id, tenant);
  if (!g || g.tenant !== tenant) return refuse(`Security group ${id} does not exist`);
  return g;
}

export function boundNics(ctx: SvcContext, tenant: string, sgId: string) {
  return ctx.store.nic.list(tenant).filter((n) => n.attrs.sgIds.includes(sgId));
}

function vmRuns(ctx: SvcContext, tenant: string, vmId: string): boolean {
  return ctx.engine.instances.get(tenant, vmId, { includeLagging: true })?.state === 'running';
}

/** Records that a rule has not reached a VM yet, unless the VM runs (then it is in effect now). */
export function pendOn(ctx: SvcContext, tenant: string, rule: Rec<SgRuleAttrs>, vmId: string): void {
  if (vmRuns(ctx, tenant, vmId)) return;
  if (ctx.store.retry.list(tenant).some((r) => r.attrs.ruleId === rule.id && r.attrs.vmId === vmId)) return;
  ctx.store.retry.add(tenant, rule.id, { ruleId: rule.id, vmId, sgId: rule.attrs.sgId, retries: 0 }, ctx.newId());
}

function render(r: Rec<SgRuleAttrs>): Record<string, string> {
  return {
    aclrule_id: r.id,
    aclrule_srcip: r.attrs.srcIp,
    aclrule_target: r.attrs.target,
    aclrule_direction: r.attrs.direction,
    aclrule_vmport: r.attrs.port,
    aclrule_protocal: r.attrs.protocol,
    // D8: the document's "aclrule_ securitygroupid" without its space.
    aclrule_securitygroupid: r.attrs.sgId,
  };
}

const PROTOCOLS = ['tcp', 'udp', 'icmp'] as const;

export const SG_RULE_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudsegroup.rule.search',
    method: 'POST',
    path: 'cloudsegroup/rule/search',
    input: z.object({
      'aclrule.securitygroupid': f.reqText(),
      'aclrule.id': f.text(),
      'aclrule.vmport': f.text(),
      'aclrule.protocal': f.choice(PROTOCOLS, true),
      'aclrule.srcip': f.text(),
      'aclrule.target': f.text(),
      'aclrule.direction': f.choice(['in', 'out'] as const),
      ...PAGE_FIELDS,
    }),
    handle(ctx, { input: p, tenant }) {
      const groups = new Set(splitList(p['aclrule.securitygroupid']).map((id) => sgOf(ctx, tenant, id).id));
      const rows = ctx.store.sgRule
        .list(tenant)
        .filter(
          (r) =>
            groups.has(r.attrs.sgId) &&
            exact(r.id, p['aclrule.id']) &&
            exact(r.attrs.port, p['aclrule.vmport']) &&
            exact(r.attrs.protocol, p['aclrule.protocal']?.toLowerCase()) &&
            fuzzy(r.attrs.srcIp, p['aclrule.srcip']) &&
            fuzzy(r.attrs.target, p['aclrule.target']) &&
            exact(r.attrs.direction, p['aclrule.direction']),
        )
        .map(render);
      return paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudsegroup.rule.add',
    method: 'POST',
    path: 'cloudsegroup/rule/add',
    input: z.object({
      'aclrule.vmport': f.name(256),
      'aclrule.srcip': f.name(512),
      'aclrule.target': f.name(512),
      'aclrule.direction': f.reqChoice(['in', 'out'] as const),
      'aclrule.protocal': f.choice(PROTOCOLS, true),
      'aclrule.securitygroupid': f.reqText(),
    }),
    handle(ctx, { input: p, tenant }) {
      const g = sgOf(ctx, tenant, p['aclrule.securitygroupid']);
      const port = p['aclrule.vmport'];
      if (port !== undefined && !validPorts(port)) refuse('Parameter aclrule.vmport must look like 80:83,85');
      const rule = ctx.store.sgRule.add(
        tenant,
        g.name,
        {
          sgId: g.id,
          direction: p['aclrule.direction'],
          protocol: p['aclrule.protocal']?.toLowerCase() ?? '',
          port: port ?? '',
          srcIp: p['aclrule.srcip'] ?? '',
          target: p['aclrule.target'] ?? '',
        },
        ctx.newId(),
      );
      for (const nic of boundNics(ctx, tenant, g.id)) pendOn(ctx, tenant, rule, nic.attrs.vmId);
      return { data: { 'aclrule.id': rule.id } };
    },
  }),
  defineOp({
    op: 'cloudsegroup.rule.delete',
    method: 'DELETE',
    path: 'cloudsegroup/rule/{ruleid}',
    handle(ctx, { params, tenant }) {
      const rule = ctx.store.sgRule.get(params.ruleid ?? '', tenant);
      if (!rule || rule.tenant !== tenant) return refuse(`Security-group rule ${params.ruleid} does not exist`);
      for (const r of ctx.store.retry.list(tenant)) if (r.attrs.ruleId === rule.id) ctx.store.retry.remove(r.id);
      ctx.store.sgRule.remove(rule.id);
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudsegroup.rule.vm',
    method: 'POST',
    path: 'cloudsegroup/rule/vm',
    input: z.object({ 'vm.id': f.reqText(), ...PAGE_FIELDS }),
    handle(ctx, { input: p, tenant }) {
      const inst = vmOf(ctx, tenant, p['vm.id']);
      const groups = new Set(nicsOf(ctx, tenant, inst.id).flatMap((n) => n.attrs.sgIds));
      const pending = new Set(
        ctx.store.retry
          .list(tenant)
          .filter((r) => r.attrs.vmId === inst.id)
          .map((r) => r.attrs.ruleId),
      );
      const rows = ctx.store.sgRule
        .list(tenant)
        .filter((r) => groups.has(r.attrs.sgId))
        .map((r) => ({
          ...render(r),
          aclrule_securitygroupname: ctx.store.sg.get(r.attrs.sgId, tenant)?.name ?? '',
          aclrule_status: bool(!pending.has(r.id)),
        }));
      return paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudsegroup.retryrule.search',
    method: 'POST',
    path: 'cloudsegroup/retryrule/search',
    input: z.object({ 'vm.id': f.text(), 'securitygroup.id': f.text(), ...PAGE_FIELDS }),
    handle(ctx, { input: p, tenant }) {
      const rows = ctx.store.retry
        .list(tenant)
        .filter((r) => exact(r.attrs.vmId, p['vm.id']) && exact(r.attrs.sgId, p['securitygroup.id']))
        .map((r) => ({
          'issue.id': r.id,
          'aclrule.id': r.attrs.ruleId,
          'vm.id': r.attrs.vmId,
          'retry.num': String(r.attrs.retries),
        }));
      return paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudsegroup.retryrule.reset',
    method: 'PUT',
    path: 'cloudsegroup/retryrule/reset',
    // D14/D15: neither parameters nor an answer are documented: every pending rule of the tenant is retried.
    handle(ctx, { tenant }) {
      for (const r of ctx.store.retry.list(tenant)) {
        if (vmRuns(ctx, tenant, r.attrs.vmId)) ctx.store.retry.remove(r.id);
        else r.attrs.retries++;
      }
      return { data: '' };
    },
  }),
];
