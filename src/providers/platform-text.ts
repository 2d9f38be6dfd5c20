/**
 * A platform's own words, made fit to pass on: an error page from a proxy in front of a platform
 * (HTML), a stack dump or a long body must not land whole in a problem's detail or a task item.
 * Tags go (with the content of script and style blocks), the common entities are decoded,
 * whitespace collapses, and the text is cut at a bound with an ellipsis. One plain line within
 * the bound passes verbatim.
 */

/** Longest platform text kept: enough for a fault message, short of a page. */
export const PLATFORM_TEXT_MAX = 500;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

// Markup: a doctype, a comment or an HTML element, not a placeholder such as "c<vCPUs>m<MiB>".
const MARKUP =
  /<(!doctype\b|!--|\/?(html|head|body|title|meta|link|div|span|p|a|b|i|em|strong|h[1-6]|br|hr|center|pre|code|table|tr|td|th|ul|ol|li|script|style)\b[^>]*>)/i;

export function platformText(raw: string | undefined | null, max = PLATFORM_TEXT_MAX): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  // One plain line within the bound is the platform's words as they are: kept verbatim.
  const markup = MARKUP.test(raw);
  if (!markup && raw.length <= max && !/[\r\n\t\v\f]/.test(raw)) return raw;
  let text = raw;
  if (markup) {
    text = text
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, (m) => {
        // A page's <title> is often its only useful sentence ("502 Bad Gateway"): keep it.
        const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(m)?.[1];
        return title ? ` ${title} ` : ' ';
      })
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, name: string) => {
        const lower = name.toLowerCase();
        if (ENTITIES[lower] !== undefined) return ENTITIES[lower];
        const code = lower.startsWith('#x')
          ? parseInt(lower.slice(2), 16)
          : lower.startsWith('#')
            ? Number(lower.slice(1))
            : NaN;
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      });
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (text.length === 0) return undefined;
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
