/**
 * The pure parts of the legacy cluster adapter: the envelope's success rule and return-code
 * table, gateway statuses, the machine body, label sizes, secret stripping, paths and the
 * account check. The document's own examples are the fixtures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { platformText, type HttpRequest, type HttpResponse } from '../../../src/providers/contract.ts';
import { LegacyCredentials, LegacyOptions, checkLegacyAccount } from '../../../src/providers/legacy-cluster/account.ts';
import {
  RETURN_CODES,
  classifyLegacy,
  decodeAnswer,
  errorFromHttp,
  kindOfCode,
  kindOfHttpStatus,
} from '../../../src/providers/legacy-cluster/client.ts';
import { legacyCluster } from '../../../src/providers/legacy-cluster/index.ts';
import { sizeOfLabel, stripSecrets, toInstance } from '../../../src/providers/legacy-cluster/mapping.ts';
import { PATHS, RESERVED_SEGMENTS, isRoutableInstanceId } from '../../../src/providers/legacy-cluster/paths.ts';
import { differingFields, templateBody } from '../../../src/providers/legacy-cluster/spec-body.ts';
import { WireInstance, WireTemplate } from '../../../src/providers/legacy-cluster/wire.ts';

const envelope = (code: unknown, msg: unknown, content: unknown = null, ext: unknown = null) =>
  JSON.stringify({ code, msg, content, ext });
const answer = (text: string, status = 200, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  text,
  json: () => JSON.parse(text) as unknown,
});
const req = (operation: string): HttpRequest => ({ method: 'GET', path: '/v1/x', operation, idempotent: true });

describe('the success rule (A40)', () => {
  it('accepts code 0 with a null or absent msg, whatever the content', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (content) => {
        const decoded = decodeAnswer(envelope(0, null, content), 'op');
        // A code-0 failure summary is the one content that fails (A45).
        const summary = content !== null && typeof content === 'object' && 'failed' in content;
        if (!summary) expect(decoded.ok).toBe(true);
      }),
    );
    expect(decodeAnswer(JSON.stringify({ code: 0, content: 19 }), 'op').ok).toBe(true);
  });

  it('refuses every other code, and code 0 with any message, keeping both (as platform text)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.option(fc.string(), { nil: null }), (code, msg) => {
        fc.pre(code !== 0 || msg !== null);
        const decoded = decodeAnswer(envelope(code, msg), 'op');
        expect(decoded.ok).toBe(false);
        if (!decoded.ok) {
          expect(decoded.error.providerCode).toBe(String(code));
          // Verbatim but for what every platform's text goes through: markup stripped, whitespace collapsed.
          expect(decoded.error.providerMessage).toBe(platformText(msg));
        }
      }),
    );
  });

  it('reads the documented code-0 failures', () => {
    const json = decodeAnswer(envelope(0, 'result to json error'), 'operations.logs.get');
    expect(json.ok === false && json.error.kind).toBe('unavailable');
    const none = decodeAnswer(
      envelope(0, null, { success: 0, failed: 1, errors: ['Instance: 101.1.2.46 is already in DB'] }),
      'x',
    );
    expect(none.ok === false && [none.error.kind, none.error.providerCode, none.error.providerMessage]).toEqual([
      'conflict',
      '0',
      'Instance: 101.1.2.46 is already in DB',
    ]);
    const other = decodeAnswer(envelope(0, null, { success: 0, failed: 2, errors: ['bad ip', 'bad port'] }), 'x');
    expect(other.ok === false && [other.error.kind, other.error.providerMessage]).toEqual([
      'invalid',
      'bad ip; bad port',
    ]);
    expect(decodeAnswer(envelope(0, null, { success: 1, failed: 1, errors: ['x'] }), 'x').ok).toBe(true);
  });

  it('takes a non-JSON body as the key file only for the key download', () => {
    expect(decodeAnswer('-----BEGIN RSA PRIVATE KEY-----', 'operations.sshkeys.download')).toMatchObject({ ok: true });
    const other = decodeAnswer('-----BEGIN RSA PRIVATE KEY-----', 'instances.get');
    expect(other.ok === false && other.error.kind).toBe('malformed');
    expect(other.ok === false && JSON.stringify(other.error)).not.toContain('PRIVATE KEY');
    const shape = decodeAnswer(JSON.stringify({ code: 'SERVICE_SUCCESS', msg: 0 }), 'x');
    expect(shape.ok === false && shape.error.kind).toBe('malformed');
  });

  it('classifies 2xx answers for the shared client and leaves other statuses to it', () => {
    expect(classifyLegacy(answer(envelope(0, null, [])), req('x'))).toEqual({ ok: true });
    expect(classifyLegacy(answer(envelope(10999, 'x')), req('x'))).toMatchObject({ ok: false });
    expect(classifyLegacy(answer(envelope(10999, 'x'), 500), req('x'))).toBeUndefined();
  });
});

describe('the return-code table (A44)', () => {
  it('has a row for every code of the document', () => {
    expect(Object.keys(RETURN_CODES).sort()).toEqual(['0', '10999', '11996', '12966', '12996', '12997']);
  });

  it.each([
    [10999, 'Delete cluster err', 'instances.get', 'unavailable'],
    [10999, 'QuerySeter no row found', 'x', 'not_found'],
    [12997, 'QuerySeter no row found', 'x', 'not_found'],
    [10999, 'get one instance err', 'instances.get', 'not_found'],
    [10999, 'get one instance err', 'groups.members', 'unavailable'],
    [10999, 'unknown backend provider driver: gcp', 'x', 'invalid'],
    [12997, 'Missing requisite parameter(X-CORRELATION-ID)!', 'x', 'invalid'],
    [12966, 'Input error!', 'x', 'invalid'],
    [99999, null, 'x', 'unavailable'],
  ])('reads %s "%s" on %s as %s', (code, message, operation, kind) => {
    expect(kindOfCode(code, message, operation)).toBe(kind);
  });

  it('reads gateway statuses by whose fault they are (A43)', () => {
    expect([429, 401, 403, 504, 400, 404, 500, 502].map(kindOfHttpStatus)).toEqual([
      'rate_limited',
      'auth',
      'auth',
      'timeout',
      'invalid',
      'unavailable',
      'unavailable',
      'unavailable',
    ]);
    const limited = errorFromHttp('x', answer(envelope(10999, 'Too Many Requests'), 429, { 'retry-after': '3' }));
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000, providerCode: '10999', httpStatus: 429 });
    expect(errorFromHttp('x', answer('404 page not found', 404))).toMatchObject({
      kind: 'unavailable',
      providerCode: '404',
      providerMessage: '404 page not found',
    });
  });
});

describe('wire records', () => {
  // The op 26 example of the document: an AWS machine with the placeholder strings.
  const aws = WireInstance.parse({
    Id: 89,
    Cluster: {
      Id: 4,
      Name: '1Core-1Gib',
      Provider: 'aws',
      Zone: { Id: 3, RegionName: 'cn-north', ZoneName: 'cn-north-1' },
    },
    Provider: 'aws',
    CreateTime: '2017-08-01T07:28:22Z',
    InstanceId: 'i-0b2fbd8b652431b62',
    ImageId: 'ami-3965b454',
    InstanceType: 't2.micro',
    RegionId: 'aws region ',
    ZoneId: 'aws zone',
    CostWay: 'aws costway',
    PrivateIpAddress: '172.31.0.233',
    PublicIpAddress: '52.80.61.125',
    NatIpAddress: 'aws nia',
    Status: 7,
    Password: 'never-out',
  });

  it("reads a machine's place from its template when the machine holds placeholders (A60)", () => {
    const m = toInstance(aws, undefined);
    expect(m).toMatchObject({
      providerId: 'i-0b2fbd8b652431b62',
      status: 'running',
      statusRaw: '7',
      region: 'cn-north',
      zone: 'cn-north-1',
      privateIps: ['172.31.0.233'],
      publicIps: ['52.80.61.125'],
      launchedAt: new Date('2017-08-01T07:28:22Z'),
    });
    expect(m.providerData).not.toHaveProperty('Password');
    expect(m.providerData).toHaveProperty('NatIpAddress', 'aws nia');
  });

  it('removes secret-named fields at any depth and nothing else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(stripSecrets({ nested: [{ Password: 'p', OpPassword: 'q', value }], Token: 't' }));
        expect(text).not.toMatch(/"(Password|OpPassword|Token)"/);
      }),
    );
    expect(stripSecrets({ KeyName: 'ops', InstanceId: 'i-1', PrivateKey: 'k' })).toEqual({
      KeyName: 'ops',
      InstanceId: 'i-1',
    });
  });

  it('reads sizes from instance type labels (A54)', () => {
    expect(sizeOfLabel('16Cores-64GB')).toEqual({ vcpus: 16, memoryGiB: 64 });
    expect(sizeOfLabel('1Core-1GB')).toEqual({ vcpus: 1, memoryGiB: 1 });
    expect(sizeOfLabel('1核1G')).toEqual({ vcpus: 1, memoryGiB: 1 });
    expect(sizeOfLabel('ecs.n1.tiny')).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 512 }), fc.integer({ min: 1, max: 4096 }), (c, g) => {
        expect(sizeOfLabel(`${c}Cores-${g}GB`)).toEqual({ vcpus: c, memoryGiB: g });
      }),
    );
  });
});

describe('the machine body (A51–A56)', () => {
  const options = LegacyOptions.parse({
    backend: 'aliyun',
    region: 'cn-beijing',
    systemDiskCategory: 'cloud_efficiency',
    dataDiskCategory: 'cloud_efficiency',
    defaultDataDisk: { sizeGiB: 100 },
  });
  const spec = MachineSpec.parse({ zone: 'cn-beijing-c', instanceType: '1Core-1GB', image: 'img-1' });

  it("builds op 3's body as the document's example shapes it", () => {
    expect(templateBody('1Core1G经典网', spec, options, 'x')).toEqual({
      Id: 0,
      Name: '1Core1G经典网',
      Provider: 'aliyun',
      Cpu: 1,
      Ram: 1,
      InstanceType: '1Core-1GB',
      ImageId: 'img-1',
      KeyName: '',
      Network: {
        Id: 0,
        VpcId: '',
        SubnetId: '',
        SecurityGroup: '',
        InternetChargeType: '',
        InternetMaxBandwidthOut: 0,
      },
      Zone: { Id: 0, RegionName: 'cn-beijing', ZoneName: 'cn-beijing-c' },
      Replication: null,
      SystemDiskCategory: 'cloud_efficiency',
      DataDiskSize: 100,
      DataDiskNum: 1,
      DataDiskCategory: 'cloud_efficiency',
      FlavorId: '',
      Desc: '',
      PostScript: '',
    });
  });

  it('finds a stored template in step with its own body, whatever its name', () => {
    const body = templateBody('a', spec, options, 'x');
    const stored = WireTemplate.parse({ ...body, Id: 7, Name: 'b', CreateTime: '2017-07-05T10:01:48+08:00' });
    expect(differingFields(stored, body)).toEqual([]);
    expect(differingFields(WireTemplate.parse({ ...stored, DataDiskNum: 2, Zone: null }), body)).toEqual([
      'Zone.RegionName',
      'Zone.ZoneName',
      'DataDiskNum',
    ]);
  });
});

describe('paths and ids (A48, A49)', () => {
  it('never routes an id equal to a literal segment, with a comma or a space', () => {
    for (const s of RESERVED_SEGMENTS) expect(isRoutableInstanceId(s)).toBe(false);
    expect(['a,b', 'a b', '', 'x'.repeat(129)].map(isRoutableInstanceId)).toEqual([false, false, false, false]);
    expect(isRoutableInstanceId('i-2ze1v31lnkfgubznmmtz')).toBe(true);
  });

  it('encodes every parameter and joins batch ids with commas', () => {
    expect(PATHS.instanceBatch(['i-1', 'i/2'])).toBe('/v1/instance/i-1,i%2F2');
    expect(PATHS.countsAt('2017-08-02 17:52:29')).toBe('/v1/cluster/oldnumber/2017-08-02%2017%3A52%3A29');
    expect(PATHS.subnets('aliyun', 'cn-beijing-a', 'vpc-1')).toBe('/v1/instance/subnet/aliyun/cn-beijing-a/vpc-1');
  });
});

describe('the account check', () => {
  const creds = LegacyCredentials.parse({});
  const base = { backend: 'aliyun', region: 'cn-beijing' };

  it('accepts a plain account and refuses what cannot work, naming the field', () => {
    expect(checkLegacyAccount(creds, LegacyOptions.parse(base))).toEqual([]);
    const problems = checkLegacyAccount(
      LegacyCredentials.parse({ headers: { 'X-Correlation-Id': 'x', 'x-api-key': 'k' } }),
      LegacyOptions.parse({
        ...base,
        backend: 'phydev',
        statusMap: { running: 'running', '7': 'running' },
        internetMaxBandwidthOut: 5,
      }),
    );
    expect(problems.map((p) => p.pointer)).toEqual([
      '/options/backend',
      '/options/statusMap/running',
      '/options/internetChargeType',
      '/credentials/headers/X-Correlation-Id',
    ]);
  });

  it('passes its own demo account', () => {
    const demo = legacyCluster.simulator.demoAccount('http://127.0.0.1:1');
    const problems = checkLegacyAccount(LegacyCredentials.parse(demo.credentials), LegacyOptions.parse(demo.options));
    expect(problems).toEqual([]);
  });

  it('requires the backend and region in the schema', () => {
    expect(LegacyOptions.safeParse({}).success).toBe(false);
    expect(LegacyOptions.safeParse({ backend: 'aliyun', region: 'a/b' }).success).toBe(false);
    expect(LegacyOptions.safeParse({ ...base, defaultDataDisk: { sizeGiB: 10, count: 5 } }).success).toBe(false);
  });
});
