/**
 * `POST …/servers/{server_id}/action` (SV-18…SV-25): one URL, the body's single key names the
 * action, so the operation name (for faults and the call log) is derived from the body.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { InstanceAction, SimInstance } from '../../sim/index.ts';
import { type H3cContext, fail } from './simulator-context.ts';
import { SERVERS } from './simulator-servers.ts';
import { statusOf, vmStateOf } from './simulator-status.ts';

const ACTION_OPS: Record<string, string> = {
  'os-start': 'servers.start',
  'os-stop': 'servers.stop',
  reboot: 'servers.reboot',
  'os-getVNCConsole': 'servers.console',
  suspend: 'servers.suspend',
  resume: 'servers.resume',
  shelve: 'servers.shelve',
  unshelve: 'servers.unshelve',
  resize: 'servers.resize',
  liveresize: 'servers.liveresize',
  createImage: 'servers.create_image',
};

function actionKey(req: FastifyRequest): string | undefined {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  return keys.length === 1 ? keys[0] : undefined;
}

const RebootBody = z.object({ type: z.enum(['SOFT', 'HARD']).optional() }).nullable();
const ConsoleBody = z.object({ type: z.enum(['novnc', 'xvpvnc']).optional() });

type ServerParams = { tenant_id: string; server_id: string };

export function registerActionRoutes(app: FastifyInstance, ctx: H3cContext): void {
  const { engine } = ctx;

  const conflict = (reply: FastifyReply, inst: SimInstance, action: string) =>
    fail(reply, 409, `Cannot '${action}' instance ${inst.id} while it is in vm_state ${vmStateOf(statusOf(inst))}`);

  const neutral = (
    reply: FastifyReply,
    params: ServerParams,
    action: InstanceAction,
    key: string,
    before?: (i: SimInstance) => void,
  ) => {
    const found = engine.instances.get(params.tenant_id, params.server_id);
    if (!found) return fail(reply, 404, `Instance ${params.server_id} could not be found.`);
    // A forced raw status (e.g. SUSPENDED) only allows what Nova allows from it; start/stop/reboot need a plain state.
    if (found.rawStatus && action !== 'delete') return conflict(reply, found, key);
    const r = engine.instances.act(params.tenant_id, params.server_id, action);
    if (!r.ok)
      return r.reason === 'not_found'
        ? fail(reply, 404, `Instance ${params.server_id} could not be found.`)
        : conflict(reply, r.instance, key);
    before?.(r.instance);
    return reply.code(202).send();
  };

  // Raw-status actions the neutral machine has no state for: set the documented status directly.
  const rawSwitch = (reply: FastifyReply, params: ServerParams, key: string, from: string[], to: string | null) => {
    const inst = engine.instances.get(params.tenant_id, params.server_id);
    if (!inst) return fail(reply, 404, `Instance ${params.server_id} could not be found.`);
    if (!from.includes(statusOf(inst))) return conflict(reply, inst, key);
    engine.instances.force(inst.id, to ? { state: 'stopped', rawStatus: to } : { state: 'running', rawStatus: null });
    return reply.code(202).send();
  };

  app.post<{ Params: ServerParams }>(
    `${SERVERS}/:server_id/action`,
    { config: { simOp: (req) => ACTION_OPS[actionKey(req) ?? ''] ?? 'servers.action' } },
    async (req, reply) => {
      const key = actionKey(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const p = req.params;
      switch (key) {
        case 'os-start':
          return neutral(reply, p, 'start', key);
        case 'os-stop':
          return neutral(reply, p, 'stop', key);
        case 'reboot': {
          const parsed = RebootBody.safeParse(body.reboot ?? null);
          if (!parsed.success)
            return fail(reply, 400, "Invalid input for field/attribute reboot.type. Value must be 'SOFT' or 'HARD'");
          const type = parsed.data?.type ?? 'SOFT';
          return neutral(reply, p, 'reboot', key, (i) =>
            engine.instances.update(i.id, { attrs: { rebootType: type } }),
          );
        }
        case 'os-getVNCConsole': {
          const parsed = ConsoleBody.safeParse(body[key] ?? {});
          if (!parsed.success)
            return fail(
              reply,
              400,
              "Invalid input for field/attribute os-getVNCConsole.type. Value must be 'novnc' or 'xvpvnc'",
            );
          const inst = engine.instances.get(p.tenant_id, p.server_id);
          if (!inst) return fail(reply, 404, `Instance ${p.server_id} could not be found.`);
          if (statusOf(inst) !== 'ACTIVE') return fail(reply, 409, `Instance ${inst.id} is not ready`);
          const type = parsed.data.type ?? 'novnc';
          const token = engine.random('platform').uuid();
          const url =
            type === 'novnc'
              ? `http://172.25.18.116:6080/vnc_auto.html?token=${token}`
              : `http://172.25.18.116:6081/console?token=${token}`;
          // A15: the console address key is `url` by default (the document's "URI" is the url→URI corruption).
          return reply.code(200).send({ console: { [ctx.consoleUrlKey]: url, type } });
        }
        case 'suspend':
          return rawSwitch(reply, p, key, ['ACTIVE'], 'SUSPENDED');
        case 'resume':
          return rawSwitch(reply, p, key, ['SUSPENDED'], null);
        case 'shelve':
          return rawSwitch(reply, p, key, ['ACTIVE', 'SHUTOFF'], 'SHELVED_OFFLOADED');
        case 'unshelve':
          return rawSwitch(reply, p, key, ['SHELVED', 'SHELVED_OFFLOADED'], null);
        case 'resize':
        case 'liveresize':
        case 'createImage':
          return fail(reply, 400, `Action ${key} is not simulated`);
        default:
          return fail(reply, 400, 'Invalid action: the body must hold exactly one known action key');
      }
    },
  );
}
