/** Platform text on its way into problems and item errors: markup stripped, whitespace collapsed, bounded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/contract.ts';
import { PLATFORM_TEXT_MAX, platformText } from '../../src/providers/platform-text.ts';

const PROXY_PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title><style>body { color: red }</style></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.18.0 &amp; friends</center>
<script>window.location = "/login"</script></body></html>`;

describe('platformText', () => {
  it("turns a proxy's HTML error page into its words", () => {
    const text = platformText(PROXY_PAGE)!;
    expect(text).toBe('502 Bad Gateway 502 Bad Gateway nginx/1.18.0 & friends');
    expect(text).not.toMatch(/[<>]|color: red|window\.location/);
  });

  it('keeps one plain line verbatim, trailing space and all', () => {
    expect(platformText('unknown backend provider driver: ')).toBe('unknown backend provider driver: ');
    expect(platformText('a < b and c > d')).toBe('a < b and c > d');
    expect(platformText('not of the form c<vCPUs>m<MiB>')).toBe('not of the form c<vCPUs>m<MiB>');
  });

  it('collapses a multi-line message and bounds any text', () => {
    expect(platformText('line one\n\n   line two\t')).toBe('line one line two');
    const long = platformText('x'.repeat(5_000))!;
    expect(long).toHaveLength(PLATFORM_TEXT_MAX);
    expect(long.endsWith('…')).toBe(true);
  });

  it('never answers more than the bound, nor a tag', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), fc.boolean(), (s, wrap) => {
        const out = platformText(wrap ? `<div><p>${s}</p></div>` : s);
        if (out === undefined) return;
        expect(out.length).toBeLessThanOrEqual(PLATFORM_TEXT_MAX);
        if (wrap) expect(out).not.toMatch(/<\/?(div|p)>/);
      }),
    );
  });

  it('is applied to every ProviderError, whichever adapter made it', () => {
    const err = new ProviderError('h3c-cloudos', 'instances.create', 'unavailable', '<b>502</b>', PROXY_PAGE);
    expect(err.providerCode).toBe('502');
    expect(err.providerMessage).not.toContain('<');
    expect(err.message).not.toContain('<html');
  });
});
