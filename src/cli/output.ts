/**
 * What a command prints on stdout, in the chosen `--output`: `table` for
 * people (aligned columns, or `field: value` lines for one object), `json`
 * and `yaml` for scripts — the API's own objects, unchanged, one document per
 * command (lists are arrays). Messages go to stderr, never to stdout.
 */
import Table from 'cli-table3';
import { stringify as toYaml } from 'yaml';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

export interface Printer {
  readonly format: OutputFormat;
  /** A list: columns in table mode, the array itself otherwise. */
  list<T>(rows: T[], columns: Column<T>[], noun: string): void;
  /** One object: the chosen fields in table mode, the object itself otherwise. */
  object(value: unknown, fields: [label: string, value: unknown][]): void;
  /** A line for people on stdout in table mode; in json/yaml mode `value` is printed instead. */
  result(line: string, value: unknown): void;
  /** A message for people, on stderr, in every mode. */
  info(line: string): void;
}

function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.map(cell).join(',') : '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Borderless, kubectl-like: two spaces between columns, no frame. */
const PLAIN_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

function table(head: string[], rows: string[][]): string {
  const t = new Table({
    head,
    chars: PLAIN_CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  t.push(...rows);
  // cli-table3 pads the last column too; trailing spaces only get in the way of grep and diff.
  return `${t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')}\n`;
}

export function createPrinter(format: OutputFormat, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream) {
  const write = (value: unknown) =>
    stdout.write(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value));
  const printer: Printer = {
    format,
    list(rows, columns, noun) {
      if (format !== 'table') return void write(rows);
      if (rows.length === 0) return void stderr.write(`no ${noun}\n`);
      stdout.write(
        table(
          columns.map((c) => c.header),
          rows.map((r) => columns.map((c) => cell(c.value(r)))),
        ),
      );
    },
    object(value, fields) {
      if (format !== 'table') return void write(value);
      const width = Math.max(...fields.map(([label]) => label.length)) + 1;
      stdout.write(fields.map(([label, v]) => `${`${label}:`.padEnd(width)} ${cell(v)}`).join('\n') + '\n');
    },
    result(line, value) {
      if (format !== 'table') return void write(value);
      stdout.write(`${line}\n`);
    },
    info(line) {
      stderr.write(`${line}\n`);
    },
  };
  return printer;
}
