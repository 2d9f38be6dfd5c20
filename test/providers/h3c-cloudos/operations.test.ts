import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { createLogger } from '../../../src/logger.ts';
import { ProviderError } from '../../../src/providers/contract.ts';
import { createHttpClient, type HttpClient } from '../../../src/providers/http.ts';
import {
  H3cCredentials,
  H3cOptions,
  createH3cClient,
  h3cOperations,
  runH3cOperation,
  type H3cClient,
} from '../../../src/providers/h3c-cloudos/index.ts';
import { BASE_OPTIONS, PASSWORD_CREDENTIALS, startH3c, type H3cHarness } from './harness.ts';

let h: H3cHarness;
let http: HttpClient;
let client: H3cClient;

beforeAll(async () => {
  h = await startH3c();
  const logger = createLogger('silent');
  http = createHttpClient({ provider: 'h3c-cloudos', baseUrl: h.baseUrl, logger, timeoutMs: 5000 });
  client = createH3cClient(
    {
      id: 'ops',
      endpoint: h.baseUrl,
      credentials: H3cCredentials.parse(PASSWORD_CREDENTIALS),
      options: H3cOptions.parse(BASE_OPTIONS),
    },
    { http, logger },
  );
});
afterAll(async () => {
  await http.close();
  await h.close();
});

describe('typed operations', () => {
  it('publishes unique names with input and output schemas', () => {
    const names = h3cOperations.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['keypairs.create', 'flavors.get', 'servers.rename']));
  });

  it('imports, lists, shows and deletes a key pair without ever returning a private key', async () => {
    const publicKey = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCtest cp@test';
    const made = await runH3cOperation(client, 'keypairs.create', { name: 'cp-key', publicKey });
    expect(made).toEqual({ name: 'cp-key', publicKey, fingerprint: expect.any(String) });
    expect(await runH3cOperation(client, 'keypairs.list', {})).toEqual({ keypairs: [made] });
    expect(await runH3cOperation(client, 'keypairs.get', { name: 'cp-key' })).toEqual(made);
    expect(await runH3cOperation(client, 'keypairs.delete', { name: 'cp-key' })).toEqual({ accepted: true });
    const gone = await runH3cOperation(client, 'keypairs.get', { name: 'cp-key' }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ProviderError);
    expect((gone as ProviderError).kind).toBe('not_found');
    await expect(runH3cOperation(client, 'keypairs.create', { name: 'cp-key2' })).rejects.toThrow();
  });

  it('shows a flavor as an instance type and renames a server', async () => {
    const { provider } = h.provider(PASSWORD_CREDENTIALS);
    const [zones, types, images] = await Promise.all([
      provider.listZones(),
      provider.listInstanceTypes(),
      provider.listImages(),
    ]);
    expect(await runH3cOperation(client, 'flavors.get', { flavorId: types[0]!.id })).toEqual(types[0]);
    const spec = MachineSpec.parse({ zone: zones[0]!.id, instanceType: types[0]!.id, image: images[0]!.id });
    const { instanceId } = await provider.createInstance({ name: 'cp-old-name', spec, tags: {} });
    const renamed = await runH3cOperation(client, 'servers.rename', { serverId: instanceId, name: 'cp-new-name' });
    expect(renamed).toEqual({ id: instanceId, name: 'cp-new-name' });
    expect(await provider.getInstance(instanceId!)).toMatchObject({ name: 'cp-new-name' });
  });
});
