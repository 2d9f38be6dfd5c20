/** The dependency rules of ../shared/DESIGN.md, enforced in CI. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-self-contained',
      comment: 'domain/ is the shared language: it imports nothing of the project.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'provider-stays-in-its-folder',
      comment: 'A platform folder imports only domain/, the contract, http.ts and sim/.',
      severity: 'error',
      from: { path: '^src/providers/([^/]+)/' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/domain/',
          '^src/providers/contract\\.ts$',
          '^src/providers/http\\.ts$',
          '^src/sim/',
          '^src/providers/$1/',
        ],
      },
    },
    {
      name: 'simulator-is-an-independent-reading',
      comment: "A simulator imports only sim/ and domain/, never its adapter's wire schemas or status table.",
      severity: 'error',
      from: { path: '^src/providers/[^/]+/simulator[^/]*\\.ts$' },
      to: { path: '^src/', pathNot: ['^src/sim/', '^src/domain/', '^src/providers/[^/]+/simulator[^/]*\\.ts$'] },
    },
    {
      name: 'platforms-only-through-the-registry',
      comment: 'api/ and tasks/ reach platforms through providers/registry.ts and the contract only.',
      severity: 'error',
      from: { path: '^src/(api|tasks|server|db)/' },
      to: { path: '^src/providers/[^/]+/' },
    },
    {
      name: 'sim-is-standalone',
      severity: 'error',
      from: { path: '^src/sim/' },
      to: { path: '^src/(api|tasks|db|server|providers)/' },
    },
    {
      name: 'cli-speaks-http-only',
      comment: 'cli/ is a client of the HTTP API: of the project it imports only domain/ (schemas and enums).',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: ['^src/cli/', '^src/domain/'] },
    },
    {
      name: 'cli-has-no-server-packages',
      comment: 'Nor does cli/ reach the stores or the server by their packages: no database, queue, Redis or Fastify.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: {
        path: 'node_modules/(@prisma/|prisma/|pg/|ioredis/|bullmq/|fastify|@fastify/|pino|prom-client/|redis-semaphore/|close-with-grace/)',
      },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
