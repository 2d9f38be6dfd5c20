/**
 * Prisma CLI configuration (Prisma 7 reads the datasource URL from here, not
 * from schema.prisma).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// Prisma's CLI wants its native schema engine binary, which it can only
// download from a host our machines cannot reach. Unless a native engine is
// configured explicitly, use the WebAssembly-backed stand-in (see
// prisma/engine/README.md).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(
  new URL('./prisma/engine/schema-engine.mjs', import.meta.url),
);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cloudplane',
    // Optional. Without it the engine creates (and drops) a throwaway shadow
    // database on the same server for each command that needs one.
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
