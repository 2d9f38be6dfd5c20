/**
 * Who is running the CLI, when it is a CI job: the basis of the default
 * Idempotency-Key for expand and shrink, so that a retried CI step gets the
 * first attempt's task instead of scaling twice.
 *
 * The rule: use only variables that stay the same when the same job or step
 * is retried, and that differ between steps. Attempt counters
 * (GITHUB_RUN_ATTEMPT, BUILDKITE_RETRY_COUNT) and per-attempt job ids (GitLab
 * CI_JOB_ID, Buildkite BUILDKITE_JOB_ID, CircleCI CIRCLE_WORKFLOW_JOB_ID) are
 * left out on purpose: a retry gets a new one. See docs/cli.md.
 */
import { createHash } from 'node:crypto';

export type Env = Readonly<Record<string, string | undefined>>;

export interface CiIdentity {
  system: 'github' | 'gitlab' | 'buildkite' | 'circleci' | 'jenkins';
  /** The variables the key is made of, in order, with their values. */
  parts: [name: string, value: string][];
  /** A human line for the task's `reason`, made of the same stable variables. */
  reason: string;
}

interface Rule {
  system: CiIdentity['system'];
  when: (env: Env) => boolean;
  /** Must all be set for the identity to be trusted. */
  required: string[];
  /** Added when set (parallel or matrix indexes, stage names). */
  optional: string[];
  reason: (env: Env) => string;
}

const RULES: Rule[] = [
  {
    system: 'github',
    when: (env) => env.GITHUB_ACTIONS === 'true',
    // GITHUB_ACTION is the step's id (or __run, __run_2… for unnamed steps): stable across re-runs, distinct per step.
    required: ['GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_JOB'],
    optional: ['GITHUB_ACTION'],
    reason: (env) =>
      `GitHub Actions ${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID} job ${env.GITHUB_JOB}`,
  },
  {
    system: 'gitlab',
    when: (env) => env.GITLAB_CI === 'true',
    // A retried GitLab job is a new job with a new CI_JOB_ID; the pipeline and the job's name stay.
    required: ['CI_PROJECT_ID', 'CI_PIPELINE_ID', 'CI_JOB_NAME'],
    optional: ['CI_NODE_INDEX'],
    reason: (env) => `GitLab CI ${env.CI_PIPELINE_URL ?? `pipeline ${env.CI_PIPELINE_ID}`} job ${env.CI_JOB_NAME}`,
  },
  {
    system: 'buildkite',
    when: (env) => env.BUILDKITE === 'true',
    // A Buildkite retry creates a new job (new BUILDKITE_JOB_ID) of the same step.
    required: ['BUILDKITE_BUILD_ID', 'BUILDKITE_STEP_ID'],
    optional: ['BUILDKITE_PARALLEL_JOB'],
    reason: (env) => `Buildkite ${env.BUILDKITE_BUILD_URL ?? `build ${env.BUILDKITE_BUILD_ID}`}`,
  },
  {
    system: 'circleci',
    when: (env) => env.CIRCLECI === 'true',
    // "Rerun from failed" makes a new workflow (new ids) that keeps the workspace id.
    required: ['CIRCLE_WORKFLOW_WORKSPACE_ID', 'CIRCLE_JOB'],
    optional: ['CIRCLE_NODE_INDEX'],
    reason: (env) => `CircleCI workflow workspace ${env.CIRCLE_WORKFLOW_WORKSPACE_ID} job ${env.CIRCLE_JOB}`,
  },
  {
    system: 'jenkins',
    when: (env) => env.JENKINS_URL !== undefined || env.JENKINS_HOME !== undefined,
    // BUILD_TAG is jenkins-<job>-<build number>: the same inside a `retry {}` block, new for a rebuild.
    required: ['BUILD_TAG'],
    optional: ['STAGE_NAME'],
    reason: (env) => `Jenkins ${env.BUILD_URL ?? env.BUILD_TAG}`,
  },
];

const MAX_REASON = 500;

export function detectCi(env: Env): CiIdentity | null {
  for (const rule of RULES) {
    if (!rule.when(env)) continue;
    if (rule.required.some((name) => !env[name])) continue;
    const parts: [string, string][] = [];
    for (const name of [...rule.required, ...rule.optional]) {
      const value = env[name];
      if (value) parts.push([name, value]);
    }
    return { system: rule.system, parts, reason: rule.reason(env).slice(0, MAX_REASON) };
  }
  return null;
}

/**
 * The default Idempotency-Key of one scaling command in one CI job or step:
 * `ci-<system>-<command>-<32 hex>`, the hex a sha256 of the system, the stable
 * variables, the command and the template id (so a step that expands two
 * templates, or expands then shrinks, sends distinct keys). Visible ASCII, well
 * under the API's 255 characters, whatever the variables contain.
 */
export function deriveIdempotencyKey(ci: CiIdentity, command: 'expand' | 'shrink', templateId: string): string {
  const material = JSON.stringify([ci.system, ...ci.parts, command, templateId]);
  const digest = createHash('sha256').update(material).digest('hex').slice(0, 32);
  return `ci-${ci.system}-${command}-${digest}`;
}
