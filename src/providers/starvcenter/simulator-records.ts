/**
 * What the StarVCenter simulator stores beside each resource (engine `attrs`). Wire names are
 * produced by the route modules; these are the simulator's own, camelCase. No secret is kept:
 * passwords and keys a caller sends are checked and dropped, so the control API that shows
 * these records can never leak one.
 */
import type { SimInstance } from '../../sim/index.ts';

export interface Quota {
  cpu: number;
  memory: number;
  storage: number;
  portgroup: number;
  outerip: number;
}

export interface TenantAttrs {
  desc: string;
  quota: Quota;
}

export interface VmAttrs {
  desc: string;
  vcpu: number;
  memoryMb: number;
  typeCode: string;
  modelCode: string;
  source: 'model' | 'template';
  templateId: string | null;
  hostId: string;
  vncPort: number;
  ip: string;
  networkId: string;
  hyperv: boolean;
  /** The guest agent answers: soft shutdown and OS reboot work (`vm.shutdown.enable`). */
  agent: boolean;
  firewalld: boolean;
  /** A job's lock code (backup, snapshot); transitions' locks come from the state (A17). */
  lock: number;
  stateBeforeDelete?: string;
}

export const VM_DEFAULTS: VmAttrs = {
  desc: '',
  vcpu: 1,
  memoryMb: 1024,
  typeCode: 'tenant_system_model',
  modelCode: '',
  source: 'model',
  templateId: null,
  hostId: '',
  vncPort: 5900,
  ip: '',
  networkId: '',
  hyperv: false,
  agent: true,
  firewalld: false,
  lock: 0,
};

/** A VM's attributes, with defaults for machines seeded through the control API with few or none. */
export function vmAttrs(inst: SimInstance): VmAttrs {
  return { ...VM_DEFAULTS, ...(inst.attrs as Partial<VmAttrs>) };
}

export interface NetworkAttrs {
  desc: string;
  cidr: string;
  gateway: string;
  /** First address of the block, as a 32-bit number. */
  base: number;
  /** Host numbers handed out: 2 … capacity + 1 (1 is the gateway). */
  capacity: number;
  nextHost: number;
  released: number[];
  used: number;
  netgate: 'open' | 'close';
}

export interface NicAttrs {
  vmId: string;
  networkId: string;
  hostNo: number;
  ip: string;
  mac: string;
  desc: string;
  sgIds: string[];
}

export interface DiskAttrs {
  vmId: string | null;
  devname: string;
  desc: string;
  sizeGb: number;
  /** Shown by #37 once its add job ended (A28). */
  ready: boolean;
  system: boolean;
  storageId: string;
  useType: 'vm' | 'volume';
  /** A delete or extend job runs on it. */
  busy?: boolean;
}

export interface BackupAttrs {
  vmId: string;
  desc: string;
  enable: boolean;
}

export interface DictAttrs {
  /** `tenant_type` for a VM type, a type's `value` for a model. */
  type: string;
  label: string;
  value: string;
  description: string;
}

export interface TemplateAttrs {
  modelCode: string;
  typeCode: string;
}

export interface HostAttrs {
  desc: string;
  state: string;
  connected: boolean;
  address: string;
  authenticated: boolean;
  maintenance: boolean;
  osProduct: string;
  osBit: string;
  osVersion: string;
  virtVersion: string;
  cpuVendor: string;
  cpuCores: number;
  cpuSockets: number;
  memGb: number;
}

export interface StorageAttrs {
  desc: string;
  type: 'NFS' | 'FCSAN' | 'ISCSI' | 'CEPH' | 'GFS2' | 'GLUSTERFS';
  thin: boolean;
  sizeGb: number;
  usedGb: number;
  location: string;
  useType: 'main' | 'seconds';
  fileType: 'block' | 'file' | 'network';
  ioAuth: 'r' | 'rw';
  cephMonitors: string;
  cephPool: string;
}

export interface AlarmAttrs {
  type: string;
  level: 'high' | 'medium' | 'low';
  objId: string;
  objName: string;
  objType: string;
  content: string;
  raisedAt: number;
  relievedAt: number | null;
  relieveWay: 'auto' | 'manual' | 'none';
}

export interface OuterIpAttrs {
  gateway: string;
  netmask: string;
}

export interface NatAttrs {
  type: 'ip' | 'port';
  vmId: string;
  vmName: string;
  innerIp: string;
  innerPort: string;
  outerIp: string;
  outerPort: string;
  protocol: string;
  shareIp: string;
  srcIp: string;
  networkId: string;
  routerId: string;
  desc: string;
}

export interface AclAttrs {
  type: 'net_gate' | 'net_inner';
  vmId: string;
  vmName: string;
  vmIp: string;
  networkId: string;
  routerId: string;
  routerName: string;
  direction: string;
  targets: string;
  sources: string;
  ports: string;
  protocol: string;
  desc: string;
}

export interface RouterAttrs {
  desc: string;
  manageIp: string;
  registerAddress: string;
  ha: boolean;
  online: boolean;
  networkIds: string[];
}

export interface SlbAttrs {
  desc: string;
  routerId: string;
  protocol: 'tcp' | 'udp' | 'http' | 'https';
  networkType: 'outter' | 'inner';
  directIp: string;
  directIpSelf: boolean;
  directPort: number;
  realPort: number;
  enable: boolean;
  urlPath: string;
  certEnabled: boolean;
  policy: 'rr' | 'wrr' | 'wlc';
  retryTime: number;
  checkInterval: number;
  checkTimeout: number;
  emptyLinkTimeout: number;
  checkPath: string;
  maxOccurs: number;
}

export interface RealnodeAttrs {
  desc: string;
  slbId: string;
  ip: string;
  port: number;
  vmId: string;
  weight: number;
  enable: boolean;
}

export interface SgAttrs {
  desc: string;
  appId: string;
}

export interface SgRuleAttrs {
  sgId: string;
  direction: 'in' | 'out';
  protocol: string;
  port: string;
  srcIp: string;
  target: string;
}

/** A rule that did not take effect on a VM yet (#91), until a retry (#92) finds the VM running. */
export interface RetryAttrs {
  ruleId: string;
  vmId: string;
  sgId: string;
  retries: number;
}
