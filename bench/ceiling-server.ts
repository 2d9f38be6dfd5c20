/**
 * The ceiling of bench/api.ts: a bare Fastify route doing one primary-key
 * read of an instance row from PostgreSQL and answering it as JSON. Nothing
 * else (no auth, no validation, no logging): what the gateway's cached read
 * is compared with.
 *
 *   node --import tsx bench/ceiling-server.ts --port 18999 --database postgresql://…
 */
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';

const { values } = parseArgs({ options: { port: { type: 'string' }, database: { type: 'string' } } });
const pool = new pg.Pool({ connectionString: values.database, max: 10 });
const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/rows/:id', async (req, reply) => {
  // Named, as the gateway's own read is: each connection parses and plans it once.
  const { rows } = await pool.query({
    name: 'row',
    text: 'SELECT * FROM "Instance" WHERE id = $1',
    values: [req.params.id],
  });
  if (!rows[0]) return reply.code(404).send({ error: 'not found' });
  return rows[0];
});
await app.listen({ port: Number(values.port), host: '127.0.0.1' });
process.stdout.write('ceiling listening\n');
process.on('SIGTERM', () => {
  void app.close().then(() => pool.end().then(() => process.exit(0)));
});
