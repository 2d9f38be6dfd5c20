/** A template's machine spec at rest: as given, with the login password sealed. */
import { MachineSpec } from '../domain/machine-spec.ts';
import type { SecretBox } from './secret-box.ts';

/** How a spec is stored: as given, but the password sealed. */
export type StoredSpec = Omit<MachineSpec, 'login'> & { login: { keyName?: string; passwordCipher?: string } };

export function slugPrefix(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const withLetter = /^[a-z]/.test(slug) ? slug : `t-${slug}`;
  return withLetter.slice(0, 20).replace(/-+$/, '') || 't';
}

/**
 * The name prefix of a template's machines: the one it was given, kept in its stored spec, else
 * a slug of its name. The one place this is worked out (markers, single creates, views).
 */
export function templateNamePrefix(template: { name: string; spec: unknown }): string {
  return (template.spec as { namePrefix?: string } | null)?.namePrefix ?? slugPrefix(template.name);
}

export function sealSpec(spec: MachineSpec, box: SecretBox): StoredSpec {
  const { password, ...login } = spec.login;
  return { ...spec, login: password ? { ...login, passwordCipher: box.seal(password) } : login };
}

/** The spec an adapter needs to create a machine, password opened. */
export function openSpec(stored: unknown, box: SecretBox): MachineSpec {
  const s = stored as StoredSpec;
  const { passwordCipher, ...login } = s.login ?? {};
  return { ...s, login: passwordCipher ? { ...login, password: box.open(passwordCipher) } : login } as MachineSpec;
}

/**
 * The spec as create checks read it: whether a password is set, never the password itself (a
 * stand-in takes its place, so nothing is decrypted to answer "is there one?").
 */
export function specForChecks(stored: unknown): MachineSpec {
  const s = (stored ?? {}) as StoredSpec;
  const { passwordCipher, ...login } = s.login ?? {};
  const candidate = { ...s, login: passwordCipher ? { ...login, password: PASSWORD_SET } : login };
  // The schema's defaults (no network, no disks…) for a spec stored before they existed; a spec
  // that no longer parses is checked as it is, with the defaults beneath it.
  const parsed = MachineSpec.safeParse(candidate);
  return parsed.success ? parsed.data : ({ ...MACHINE_DEFAULTS, ...candidate } as MachineSpec);
}

const MACHINE_DEFAULTS = { network: {}, dataDisks: [], charge: 'on_demand', login: {}, tags: {} };

/** Stands for a sealed password in specForChecks; never sent anywhere. */
const PASSWORD_SET = '(sealed password)';
