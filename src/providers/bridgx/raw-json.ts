/**
 * JSON parsing that keeps integers beyond 2^53 exact (A47). BridgX task ids are 16+ digit
 * integers, written as bare JSON numbers by expand/shrink (D29); JSON.parse would round them
 * (Node 20 has no reviver source text). Such literals are turned into strings on the raw text,
 * outside string literals, before parsing; smaller numbers stay numbers.
 */

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Parses JSON; integer literals that are not safe integers come back as decimal strings. */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '-' || isDigit(c)) {
      const start = i;
      if (c === '-') i++;
      while (isDigit(text[i])) i++;
      const next = text[i];
      if (next === '.' || next === 'e' || next === 'E') {
        while (i < text.length && /[0-9.eE+-]/.test(text[i]!)) i++;
        continue;
      }
      const literal = text.slice(start, i);
      if (!Number.isSafeInteger(Number(literal)) && /^-?\d+$/.test(literal)) {
        out += `${text.slice(copied, start)}"${literal}"`;
        copied = i;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(copied === 0 ? text : out + text.slice(copied));
}
