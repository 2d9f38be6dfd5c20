/** Request bodies from files: JSON or YAML (by extension; YAML otherwise, which also reads JSON), `-` for stdin. */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.ts';

export async function readDocument(path: string, stdin: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  let source: string;
  try {
    source = path === '-' ? await text(stdin) : await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(source) : parseYaml(source);
  } catch (err) {
    throw new UsageError(
      `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${path} must hold one object`);
  }
  return value as Record<string, unknown>;
}
