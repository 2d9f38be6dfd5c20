/**
 * What an H3C CloudOS account holds: its credentials (a static token, or a Keystone v3
 * password login — the document has no token API, A1) and its options.
 */
import { z } from 'zod';
import { BaseAccountOptions } from '../contract.ts';

export const H3cStaticToken = z.object({ token: z.string().min(1) }).strict();

export const H3cPasswordLogin = z
  .object({
    username: z.string().min(1),
    password: z.string().min(1),
    /** Keystone domain name of the user; absent = the default domain (`{"id":"default"}`). */
    userDomain: z.string().min(1).optional(),
    /** Project (组织, organization) name the token is scoped to. */
    project: z.string().min(1),
    projectDomain: z.string().min(1).optional(),
  })
  .strict();

export const H3cCredentials = z.union([H3cStaticToken, H3cPasswordLogin]);
export type H3cCredentials = z.infer<typeof H3cCredentials>;

export const H3cOptions = BaseAccountOptions.extend({
  /**
   * The `{tenant_id}` of every Nova path (the Keystone project id, 32 hex). Required with a
   * static token (nothing documented tells a token's project); with a password login the
   * login answer's `token.project.id` is used and this is only a fallback.
   */
  projectId: z.string().min(1).max(64).optional(),
  /** Login path at the gateway root (A1). The 9000-port Keystone of older CloudOS answers the same body. */
  authPath: z.string().startsWith('/').default('/v3/auth/tokens'),
  /** Network id (SV-2 `networks[].uuid`) used when a spec names no subnet; the document has no network API. */
  defaultNetworkId: z.string().min(1).optional(),
  /** Security group names (SV-2 `security_groups[].name`) used when a spec names none. */
  defaultSecurityGroups: z.array(z.string().min(1)).min(1).default(['default']),
  /** AZ id (`metadata.zone_uuid`) used when a spec names no zone. */
  defaultZoneId: z.string().min(1).optional(),
  /** `metadata.user_name` (required by SV-2); defaults to the login's user name. */
  userName: z.string().min(1).optional(),
  /** `networks[].enable_gateway`, a string flag on the wire (A10). */
  enableGateway: z.boolean().default(true),
  /** Console flavour asked of SV-24. */
  consoleType: z.enum(['novnc', 'xvpvnc']).default('novnc'),
});
export type H3cOptions = z.infer<typeof H3cOptions>;
