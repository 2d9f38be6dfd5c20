/**
 * What an Inspur ECS account holds. The document names no authentication at all (catalog
 * §2.2): the only hints are Keycloak user fields and a JWT in an orphan payload, so the
 * credentials are an optional bearer token, sent in a header whose name and scheme the
 * options may change (A40).
 */
import { z } from 'zod';
import type { AccountProblem } from '../contract.ts';
import { BaseAccountOptions } from '../contract.ts';

/** The two paths the document gives batch image delete (index line 27 vs section line 1173, A52). */
export const BATCH_DELETE_PATHS = ['/v1/images/delete', '/v1/images/action/delete'] as const;

export const InspurCredentials = z
  .object({
    /** A Keycloak-issued access token; absent for a gateway that needs none. */
    token: z.string().min(1).max(16_384).optional(),
  })
  .strict();
export type InspurCredentials = z.infer<typeof InspurCredentials>;

// An HTTP header name (RFC 9110 token characters).
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, 'an HTTP header name');

export const InspurOptions = BaseAccountOptions.extend({
  /** Header the token travels in; default `Authorization` (A40). Meaningless without a token. */
  authHeader: HeaderName.optional(),
  /** Word before the token in that header; default `Bearer`, `''` sends the bare token (A40). */
  authScheme: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,32}$/)
    .optional(),
  /** Which of the two documented batch image delete paths this platform serves (A52). */
  batchDeletePath: z.enum(BATCH_DELETE_PATHS).default('/v1/images/delete'),
  /** Console flavour asked of `os-getVNCConsole`. */
  consoleType: z.enum(['novnc', 'xvpvnc']).default('novnc'),
  /** Reboot kind the unified reboot sends: SOFT needs ACTIVE, HARD works from any state (A48). */
  rebootType: z.enum(['SOFT', 'HARD']).default('SOFT'),
  /** `tag` parameter of the private image list (documented as required with the value ECS). */
  privateImageTag: z.string().min(1).max(64).default('ECS'),
  /**
   * Whether a list reads each listed server's tags (one call per server, A50). Off saves those
   * calls on large accounts; the listed machines then carry no tags.
   */
  listTags: z.boolean().default(true),
});
export type InspurOptions = z.infer<typeof InspurOptions>;

/** Checks no zod schema can make across fields: a header with nothing to carry, a token no header may hold. */
export function checkInspurAccount(credentials: InspurCredentials, options: InspurOptions): AccountProblem[] {
  const problems: AccountProblem[] = [];
  if (!credentials.token) {
    for (const field of ['authHeader', 'authScheme'] as const)
      if (options[field] !== undefined)
        problems.push({
          pointer: `/options/${field}`,
          detail: 'set, but credentials.token is absent: nothing to send',
        });
  } else if (!/^[\x21-\x7e]+$/.test(credentials.token)) {
    // Spaces, control or non-ASCII characters cannot travel in a header value as one token.
    problems.push({ pointer: '/credentials/token', detail: 'must be printable ASCII without spaces' });
  }
  return problems;
}
