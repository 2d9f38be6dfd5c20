/** Public surface of the simulated-cloud engine. Simulators import from here. */
export { createRandom, deriveSeed, type Random } from './random.ts';
export { createManualClock, isManualClock, systemClock, type Clock, type ManualClock } from './clock.ts';
export { DEFAULT_SIM_CONFIG, SimConfig, SimConfigPatch, mergeConfig, type Delays, type Latency } from './config.ts';
export {
  ACTION_RULES,
  ALLOWED_EDGES,
  INSTANCE_ACTIONS,
  NEUTRAL_STATES,
  isNeutralState,
  planAction,
  settle,
  type InstanceAction,
  type NeutralState,
  type Pending,
} from './instance-states.ts';
export {
  createInstanceStore,
  type ActResult,
  type CreateInstanceInput,
  type InstanceStore,
  type ListOptions,
  type ListResult,
  type SimInstance,
} from './instance-store.ts';
export { createCatalogStore, type CatalogKind, type CatalogRecord, type CatalogStore } from './catalog-store.ts';
export {
  createJobStore,
  type CreateJobInput,
  type JobOutcome,
  type JobStatus,
  type JobStore,
  type SimJob,
} from './jobs.ts';
export {
  FaultKind,
  FaultRuleInput,
  createFaultRegistry,
  opMatches,
  type FaultRegistry,
  type FaultRule,
  type FiredFault,
} from './faults.ts';
export { createCallLog, type CallLog, type CallRecord } from './call-log.ts';
export { createTokenStore, type TokenCheck, type TokenInfo, type TokenStore } from './tokens.ts';
export { createSimEngine, type RandomStream, type SimEngine, type SimEngineOptions } from './engine.ts';
export {
  installPlatformHooks,
  opOf,
  type PlatformErrorInput,
  type PlatformHooksOptions,
  type PlatformRenderers,
} from './platform-hooks.ts';
export { simControlApi, type ControlApiOptions } from './control-api.ts';
export { createPlatformApp, statusText, type PlatformAppOptions } from './platform-app.ts';
export { pageByNumber, type NumberedPage } from './paging.ts';
export { startSimulator, type RunningSimulator } from './serve.ts';
export { GROUP_TAG, expandGroup, groupMembers, shrinkGroup, type ExpandInput, type ShrinkInput } from './scaling.ts';
