/**
 * The pure parts of the mapping: made-up ids (instance types, images, create jobs), tags in
 * the description, platform times, secret stripping, the transitions the adapter derives
 * from the actions it sent, and what a create refuses before any call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { ProviderError } from '../../../src/providers/contract.ts';
import { StarVCenterOptions, checkStarVCenterAccount } from '../../../src/providers/starvcenter/account.ts';
import { createParams } from '../../../src/providers/starvcenter/create-params.ts';
import { decodeCreateJob, encodeCreateJob } from '../../../src/providers/starvcenter/jobs.ts';
import {
  decodeTags,
  encodeTags,
  parseImageId,
  parseInstanceType,
  parsePlatformTime,
  toImages,
  toInstance,
  toRule,
} from '../../../src/providers/starvcenter/mapping.ts';
import { createTransitions } from '../../../src/providers/starvcenter/transitions.ts';

const options = StarVCenterOptions.parse({ defaultNetworkId: 'pg01' });

describe('made-up ids', () => {
  it('reads c<N>m<M> instance types, listed or not, and nothing else', () => {
    expect(parseInstanceType('c2m4096', options.instanceTypes)).toEqual({ vcpus: 2, memoryMiB: 4096 });
    expect(parseInstanceType('c3m3000', options.instanceTypes)).toEqual({ vcpus: 3, memoryMiB: 3000 });
    expect(parseInstanceType('big', [{ id: 'big', vcpus: 16, memoryMiB: 65536 }])).toEqual({
      vcpus: 16,
      memoryMiB: 65536,
    });
    expect(parseInstanceType('c0m10', options.instanceTypes)).toBeNull();
    expect(parseInstanceType('2x4096', options.instanceTypes)).toBeNull();
  });

  it('tells models from templates in image ids, a bare id being a model', () => {
    expect(parseImageId('model:k8s-1-16-8')).toEqual({ kind: 'model', code: 'k8s-1-16-8' });
    expect(parseImageId('template:t01')).toEqual({ kind: 'template', id: 't01' });
    expect(parseImageId('weblogic-12c')).toEqual({ kind: 'model', code: 'weblogic-12c' });
  });

  it('flattens the model dictionary into images, reading either model key, once each', () => {
    const images = toImages([
      {
        'vm.tenant.type': 'tenant_app_model',
        'vm.tenant.typename': '应用服务器',
        model: [
          { 'vm.tenant.mode': 'k8s-1-16-8', 'vm.tenant.modelname': 'K8S_1_16_8' },
          { 'vm.tenant.model': 'weblogic-12c', 'vm.tenant.modelname': null },
        ],
      },
      { 'vm.tenant.type': 'tenant_db_model', model: [{ 'vm.tenant.mode': 'k8s-1-16-8' }, {}] },
    ]);
    expect(images.map((i) => [i.id, i.name])).toEqual([
      ['model:k8s-1-16-8', 'K8S_1_16_8'],
      ['model:weblogic-12c', 'weblogic-12c'],
    ]);
  });

  it('round-trips create job ids whatever the ids and names hold', () => {
    expect(encodeCreateJob({ startId: '5001', vmId: 'vm01', name: 'web-1' })).toBe('create:5001:vm01:web-1');
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string(), (startId, vmId, name) => {
        expect(decodeCreateJob(encodeCreateJob({ startId, vmId, name }))).toEqual({ startId, vmId, name });
      }),
    );
    expect(decodeCreateJob('5001')).toBeNull();
    expect(decodeCreateJob('create:1::')).toBeNull();
  });
});

describe('records', () => {
  const vm = {
    'vm.id': 'vm01',
    'vm.name': 'cp-0a1b2c3d-1',
    'vm.desc': encodeTags({ 'cloudplane-task': 't1' }),
    'vm.createtime': '2024-05-01 10:00:00',
    'vm.state': '1',
    'vm.vcpu.num': '2',
    'vm.memory.mem': '4096',
    'vm.tenant.model': 'k8s-1-16-8',
    'vm.ip': '192.168.10.5',
    'vm.account.pwd': 'S3cret!',
    'vm.vncpasswd': 'vnc-secret',
  };

  it('maps a VM record, keeping the raw state and dropping secrets from providerData', () => {
    const inst = toInstance(vm, undefined, '+08:00');
    expect(inst).toMatchObject({
      providerId: 'vm01',
      name: 'cp-0a1b2c3d-1',
      status: 'running',
      statusRaw: '1',
      instanceType: 'c2m4096',
      image: 'model:k8s-1-16-8',
      privateIps: ['192.168.10.5'],
      tags: { 'cloudplane-task': 't1' },
      region: null,
      zone: null,
    });
    expect(inst.launchedAt?.toISOString()).toBe('2024-05-01T02:00:00.000Z');
    expect(JSON.stringify(inst)).not.toMatch(/S3cret|vnc-secret/);
  });

  it('reads tags only from its own description form', () => {
    expect(decodeTags('frontend tier')).toEqual({});
    expect(decodeTags('cloudplane-tags:not json')).toEqual({});
    expect(decodeTags('cloudplane-tags:[1]')).toEqual({});
    expect(Object.keys(decodeTags('cloudplane-tags:{"__proto__":"x"}'))).toEqual(['__proto__']);
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (tags) => {
        expect(decodeTags(encodeTags(tags))).toEqual(tags);
      }),
    );
  });

  it('reads platform times in the configured offset, and ISO text as it says', () => {
    expect(parsePlatformTime('2024-05-01 10:00:00', '+00:00')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(parsePlatformTime('2024-05-01T10:00:00Z', '+08:00')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(parsePlatformTime('创建时间', '+08:00')).toBeNull();
    expect(parsePlatformTime('', '+08:00')).toBeNull();
  });

  it('reads rules as allow rules, the cidr from the side the direction names', () => {
    expect(
      toRule({ aclrule_direction: 'in', aclrule_srcip: '10.0.0.0/8', aclrule_protocal: 'TCP', aclrule_vmport: '22' }),
    ).toEqual({
      direction: 'ingress',
      protocol: 'tcp',
      portRange: '22',
      cidr: '10.0.0.0/8',
      action: 'allow',
    });
    expect(toRule({ aclrule_direction: 'out', aclrule_target: '0.0.0.0/0' })).toMatchObject({
      direction: 'egress',
      protocol: 'all',
      cidr: '0.0.0.0/0',
    });
  });
});

describe('transitions the adapter derives (A60)', () => {
  it('reports each sent action until the state moves past it', () => {
    let now = 0;
    const t = createTransitions({ rebootWindowMs: 1000, timeoutMs: 5000, now: () => now });
    t.sent('a', 'start');
    expect(t.overlay('a', '0')).toBe('starting');
    expect(t.overlay('a', '1')).toBeUndefined();
    expect(t.overlay('a', '0')).toBeUndefined();
    t.sent('b', 'stop');
    expect(t.overlay('b', '1')).toBe('stopping');
    expect(t.overlay('b', '0')).toBeUndefined();
    t.sent('c', 'delete');
    expect(t.overlay('c', '1')).toBe('deleting');
    expect(t.overlay('c', '0')).toBe('deleting');
    t.sent('d', 'reboot');
    expect(t.overlay('d', '1')).toBe('rebooting');
    now = 1000;
    expect(t.overlay('d', '1')).toBeUndefined();
    now = 5000;
    expect(t.overlay('c', '1')).toBeUndefined();
  });

  it('forgets the oldest entries beyond its capacity', () => {
    const t = createTransitions({ rebootWindowMs: 1000, timeoutMs: 5000, capacity: 2, now: () => 0 });
    t.sent('a', 'stop');
    t.sent('b', 'stop');
    t.sent('c', 'stop');
    expect(t.size()).toBe(2);
    expect(t.overlay('a', '1')).toBeUndefined();
    expect(t.overlay('c', '1')).toBe('stopping');
  });
});

describe('create parameters (A54)', () => {
  const spec = (over: Record<string, unknown> = {}) =>
    MachineSpec.parse({ instanceType: 'c2m4096', image: 'model:k8s', ...over });
  const refusal = (over: Record<string, unknown>, opts = options): ProviderError => {
    try {
      createParams({ name: 'n', spec: spec(over), tags: {} }, opts);
    } catch (err) {
      expect(err).toBeInstanceOf(ProviderError);
      return err as ProviderError;
    }
    throw new Error('expected a refusal');
  };

  it('sends one VM from a model with the documented keys, all strings', () => {
    expect(
      createParams(
        {
          name: 'cp-1',
          spec: spec({ login: { password: 'Passw0rd!' }, dataDisks: [{ sizeGiB: 50 }, { sizeGiB: 50 }] }),
          tags: { a: 'b' },
        },
        options,
      ),
    ).toEqual({
      'vm.name': 'cp-1',
      'vm.tenant.model': 'k8s',
      'vm.vcpu.num': '2',
      'vm.memory.mem': '4096',
      'vnic.portgroupid': 'pg01',
      'vm.num': '1',
      'vm.account.pwd': 'Passw0rd!',
      'vm.vdisk.num': '2',
      'vm.vdisk.size': '50',
    });
  });

  it('sends a template id instead of a model, and the spec network over the default', () => {
    const p = createParams(
      { name: 'n', spec: spec({ image: 'template:t9', network: { subnetId: 'pg02' } }), tags: {} },
      options,
    );
    expect(p).toMatchObject({ 'vm.template.id': 't9', 'vnic.portgroupid': 'pg02' });
    expect(p).not.toHaveProperty('vm.tenant.model');
  });

  it.each([
    [{ zone: 'z1' }, 'zones'],
    [{ charge: 'prepaid' }, 'prepaid'],
    [{ login: { keyName: 'k' } }, 'key pairs'],
    [{ network: { securityGroupIds: ['sg1'] } }, 'security_groups.bind_nics'],
    [{ instanceType: 'large' }, 'c<vCPUs>m<MiB>'],
    [{ dataDisks: [{ sizeGiB: 10 }, { sizeGiB: 20 }] }, 'same size'],
  ])('refuses %o before any call', (over, hint) => {
    const err = refusal(over);
    expect(err.kind).toBe('invalid');
    expect(err.providerMessage).toContain(hint);
  });

  it('refuses a create with no network anywhere, naming where one goes', () => {
    expect(refusal({}, StarVCenterOptions.parse({})).providerMessage).toContain('options.defaultNetworkId');
  });
});

describe('account check', () => {
  it('accepts the defaults', () => {
    expect(checkStarVCenterAccount({ token: 'abc' }, StarVCenterOptions.parse({}))).toEqual([]);
  });

  it('names every field that cannot work', () => {
    const problems = checkStarVCenterAccount(
      { token: 'has space' },
      StarVCenterOptions.parse({
        rebootWindowMs: 600_000,
        transitionTimeoutMs: 60_000,
        instanceTypes: [
          { id: 'c2m4096', vcpus: 4, memoryMiB: 4096 },
          { id: 'c2m4096', vcpus: 2, memoryMiB: 4096 },
        ],
      }),
    );
    expect(problems.map((p) => p.pointer)).toEqual([
      '/credentials/token',
      '/options/rebootWindowMs',
      '/options/instanceTypes/0',
      '/options/instanceTypes/1/id',
    ]);
    expect(JSON.stringify(problems)).not.toContain('has space');
  });
});
