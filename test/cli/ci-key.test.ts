/**
 * The default Idempotency-Key in CI: the same for every retry of one job step,
 * different for different steps, templates and commands.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveIdempotencyKey, detectCi, type Env } from '../../src/cli/ci.ts';

const TEMPLATE = '7d7c2f55-1f3e-4c55-9d0b-3b8f3a0d2c11';
const OTHER_TEMPLATE = '0b6e1a9c-5c1d-4e7e-8f00-2a7f6c1b9d33';

const key = (env: Env, command: 'expand' | 'shrink' = 'expand', template = TEMPLATE) => {
  const ci = detectCi(env);
  if (!ci) throw new Error('no CI detected');
  return deriveIdempotencyKey(ci, command, template);
};

const github: Env = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'acme/web',
  GITHUB_RUN_ID: '123456',
  GITHUB_JOB: 'deploy',
  GITHUB_ACTION: '__run_2',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com',
};

const SYSTEMS: { name: string; env: Env; perAttempt: string[]; distinguishing: string[] }[] = [
  {
    name: 'github',
    env: github,
    perAttempt: ['GITHUB_RUN_ATTEMPT'],
    distinguishing: ['GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_JOB', 'GITHUB_ACTION'],
  },
  {
    name: 'gitlab',
    env: {
      GITLAB_CI: 'true',
      CI_PROJECT_ID: '42',
      CI_PIPELINE_ID: '777',
      CI_JOB_NAME: 'scale up: [eu]',
      CI_JOB_ID: '9001',
      CI_PIPELINE_URL: 'https://gitlab.example/acme/web/-/pipelines/777',
      CI_JOB_URL: 'https://gitlab.example/acme/web/-/jobs/9001',
    },
    perAttempt: ['CI_JOB_ID', 'CI_JOB_URL'],
    distinguishing: ['CI_PROJECT_ID', 'CI_PIPELINE_ID', 'CI_JOB_NAME'],
  },
  {
    name: 'buildkite',
    env: {
      BUILDKITE: 'true',
      BUILDKITE_BUILD_ID: 'b-1',
      BUILDKITE_STEP_ID: 's-1',
      BUILDKITE_JOB_ID: 'j-1',
      BUILDKITE_RETRY_COUNT: '0',
    },
    perAttempt: ['BUILDKITE_JOB_ID', 'BUILDKITE_RETRY_COUNT'],
    distinguishing: ['BUILDKITE_BUILD_ID', 'BUILDKITE_STEP_ID'],
  },
  {
    name: 'circleci',
    env: {
      CIRCLECI: 'true',
      CIRCLE_WORKFLOW_WORKSPACE_ID: 'w-1',
      CIRCLE_JOB: 'scale',
      CIRCLE_WORKFLOW_ID: 'wf-1',
      CIRCLE_WORKFLOW_JOB_ID: 'wj-1',
      CIRCLE_BUILD_NUM: '55',
    },
    perAttempt: ['CIRCLE_WORKFLOW_ID', 'CIRCLE_WORKFLOW_JOB_ID', 'CIRCLE_BUILD_NUM'],
    distinguishing: ['CIRCLE_WORKFLOW_WORKSPACE_ID', 'CIRCLE_JOB'],
  },
  {
    name: 'jenkins',
    env: {
      JENKINS_URL: 'https://ci.example/',
      BUILD_TAG: 'jenkins-web-deploy-17',
      BUILD_URL: 'https://ci.example/job/17/',
    },
    perAttempt: [],
    distinguishing: ['BUILD_TAG'],
  },
];

describe('CI detection', () => {
  it('finds no CI in a plain environment, or when a required variable is missing', () => {
    expect(detectCi({})).toBeNull();
    expect(detectCi({ CI: 'true' })).toBeNull();
    const { GITHUB_JOB: _job, ...incomplete } = github;
    expect(detectCi(incomplete)).toBeNull();
  });

  it.each(SYSTEMS)('recognises $name and names the variables it used', ({ name, env, distinguishing }) => {
    const ci = detectCi(env)!;
    expect(ci.system).toBe(name);
    expect(ci.parts.map(([n]) => n)).toEqual(expect.arrayContaining(distinguishing));
    expect(ci.reason.length).toBeLessThanOrEqual(500);
  });

  it('makes the reason from stable variables only (a retried job sends the same body)', () => {
    expect(detectCi({ ...github, GITHUB_RUN_ATTEMPT: '3' })!.reason).toBe(detectCi(github)!.reason);
    expect(detectCi(github)!.reason).toBe('GitHub Actions https://github.com/acme/web/actions/runs/123456 job deploy');
  });
});

describe('the derived Idempotency-Key', () => {
  it('is short visible ASCII naming the system and command', () => {
    const k = key(github);
    expect(k).toMatch(/^ci-github-expand-[0-9a-f]{32}$/);
    expect(k.length).toBeLessThanOrEqual(255);
  });

  it.each(SYSTEMS)('stays the same across retries on $name (per-attempt variables ignored)', ({ env, perAttempt }) => {
    const first = key(env);
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 20 }), {
          minLength: perAttempt.length,
          maxLength: perAttempt.length,
        }),
        (values) => {
          const retried: Record<string, string | undefined> = { ...env };
          perAttempt.forEach((name, i) => (retried[name] = values[i]));
          return key(retried) === first;
        },
      ),
    );
  });

  it.each(SYSTEMS)('changes on $name with any variable that tells steps apart', ({ env, distinguishing }) => {
    for (const name of distinguishing) expect(key({ ...env, [name]: `${env[name]}-other` })).not.toBe(key(env));
  });

  it('differs between templates, and between expand and shrink, in the same step', () => {
    expect(key(github, 'expand', OTHER_TEMPLATE)).not.toBe(key(github));
    expect(key(github, 'shrink')).not.toBe(key(github));
  });

  it('tells parallel and matrix siblings apart where the CI names them', () => {
    const gitlab = SYSTEMS.find((x) => x.name === 'gitlab')!.env;
    expect(key({ ...gitlab, CI_NODE_INDEX: '2' })).not.toBe(key({ ...gitlab, CI_NODE_INDEX: '1' }));
    const buildkite = SYSTEMS.find((x) => x.name === 'buildkite')!.env;
    expect(key({ ...buildkite, BUILDKITE_PARALLEL_JOB: '1' })).not.toBe(key(buildkite));
    const jenkins = SYSTEMS.find((x) => x.name === 'jenkins')!.env;
    expect(key({ ...jenkins, STAGE_NAME: 'canary' })).not.toBe(key({ ...jenkins, STAGE_NAME: 'prod' }));
  });
});
