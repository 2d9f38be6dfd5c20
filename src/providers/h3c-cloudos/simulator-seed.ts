/**
 * Seed data of the H3C CloudOS simulator: projects, users, AZs, flavors, images, networks
 * and security groups, with fixed ids so tests and demo accounts can name them. Values follow
 * the document's examples (CAS AZs, `HP_4*16*60` style flavor names, Glance image fields).
 */
import type { SimEngine } from '../../sim/index.ts';

export interface H3cProject {
  id: string;
  name: string;
  /** Keystone domain name; `default` is its id. */
  domain?: string;
}

export interface H3cUser {
  id: string;
  name: string;
  password: string;
  domain?: string;
  /** Names of the projects the user may scope a token to. */
  projects: string[];
}

export interface H3cZoneSeed {
  id: string;
  zone: string;
  labelName: string;
  virtType: string;
  resourceType?: string;
  description?: string;
}

export interface H3cFlavorSeed {
  id: string;
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

export interface H3cImageSeed {
  id: string;
  name: string;
  virtType: string;
  diskFormat: string;
  casOstype: string;
  minDisk: number;
  sizeBytes: number;
  visibility?: 'public' | 'private';
  /** Owning project id (private images). */
  owner?: string;
}

export interface H3cNetworkSeed {
  id: string;
  name: string;
  /** First three octets of the addresses handed out, e.g. `192.168.10`. */
  prefix: string;
}

export interface H3cCatalogSeed {
  zones: H3cZoneSeed[];
  flavors: H3cFlavorSeed[];
  images: H3cImageSeed[];
  networks: H3cNetworkSeed[];
  securityGroups: string[];
}

export const DEFAULT_PROJECT: H3cProject = { id: '9052ae85792143ff955c35c52e8e41bd', name: 'admin', domain: 'Default' };
export const DEFAULT_USER: H3cUser = {
  id: '1df71957d770436493a84f24d9344853',
  name: 'admin',
  password: 'cloudos',
  domain: 'Default',
  projects: ['admin'],
};
export const DEFAULT_STATIC_TOKEN = 'h3c-static-token';

export const DEFAULT_CATALOG: H3cCatalogSeed = {
  zones: [
    {
      id: '9a67c7b3-4ab6-47af-8654-c656fa520c77',
      zone: 'cas01',
      labelName: 'cas-zone-01',
      virtType: 'CAS',
      resourceType: 'nova',
    },
    {
      id: 'da24b11e-2f4c-4d8e-9a1b-3c5d7e9f0a12',
      zone: 'kvm01',
      labelName: 'kvm-zone-01',
      virtType: 'KVM',
      resourceType: 'nova',
    },
  ],
  flavors: [
    { id: '1304e367-70ca-42eb-bbff-4b95ba35478c', name: 'S_1*1*20', vcpus: 1, ramMb: 1024, diskGb: 20 },
    { id: '68869510-8c1f-4d36-a4a2-5b0d5c6a8f31', name: 'S_2*4*40', vcpus: 2, ramMb: 4096, diskGb: 40 },
    { id: '00974fcf-6cde-4647-a3b9-8fa9faedb061', name: 'HP_4*16*60', vcpus: 4, ramMb: 16384, diskGb: 60 },
  ],
  images: [
    {
      id: '445ce6ca-25ee-4947-a108-c4d577905d03',
      name: 'CentOS-7.9-x86_64',
      virtType: 'CAS',
      diskFormat: 'qcow2',
      casOstype: 'linux|CentOS 7(64-bit)',
      minDisk: 20,
      sizeBytes: 1_073_741_824,
    },
    {
      id: '48c0d8bd-5f3e-4c0a-8d1e-2b7a9c4e6f10',
      name: 'Ubuntu-20.04-x86_64',
      virtType: 'CAS',
      diskFormat: 'qcow2',
      casOstype: 'linux|Ubuntu Linux(64-bit)',
      minDisk: 20,
      sizeBytes: 2_147_483_648,
    },
    {
      id: '7b1e3f5a-9c2d-4e6f-8a0b-1c3d5e7f9a2b',
      name: 'WinServer-2019',
      virtType: 'CAS',
      diskFormat: 'qcow2',
      casOstype: 'windows|Microsoft Windows Server 2019(64-bit)',
      minDisk: 40,
      sizeBytes: 10_737_418_240,
    },
  ],
  networks: [{ id: 'd4471b96-3c2a-4f1e-9b8d-7a6c5e4f3a21', name: 'vpc-default-net', prefix: '192.168.10' }],
  securityGroups: ['default'],
};

export function seedH3cCatalog(engine: SimEngine, seed: H3cCatalogSeed): void {
  const now = engine.clock.now();
  for (const z of seed.zones)
    engine.catalog.put({ id: z.id, kind: 'zone', tenant: null, name: z.zone, createdAt: now, attrs: { ...z } });
  for (const f of seed.flavors)
    engine.catalog.put({ id: f.id, kind: 'flavor', tenant: null, name: f.name, createdAt: now, attrs: { ...f } });
  for (const i of seed.images)
    engine.catalog.put({
      id: i.id,
      kind: 'image',
      tenant: i.visibility === 'private' ? (i.owner ?? DEFAULT_PROJECT.id) : null,
      name: i.name,
      createdAt: now,
      attrs: { ...i },
    });
  for (const n of seed.networks)
    engine.catalog.put({
      id: n.id,
      kind: 'network',
      subtype: 'network',
      tenant: null,
      name: n.name,
      createdAt: now,
      attrs: { ...n },
    });
  for (const name of seed.securityGroups)
    engine.catalog.put({
      id: `sg:${name}`,
      kind: 'network',
      subtype: 'security_group',
      tenant: null,
      name,
      createdAt: now,
      attrs: {},
    });
}
