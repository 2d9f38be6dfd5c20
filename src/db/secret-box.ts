/**
 * AES-256-GCM for secrets at rest (account credentials, template login
 * passwords). Each value gets a fresh random 96-bit IV; the auth tag makes
 * tampering or a wrong key fail loudly instead of decrypting to garbage.
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export function createSecretBox(key: Buffer) {
  if (key.length !== 32) throw new SecretBoxError('the key must be 32 bytes');
  return {
    seal(plaintext: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), data]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed: string): string {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || data === undefined) throw new SecretBoxError('not a sealed value');
      const ivBytes = Buffer.from(iv, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      // A shortened tag would weaken the integrity check: only the full 128 bits are accepted.
      if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new SecretBoxError('not a sealed value');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: 16 });
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // Never echo the cause: it would not contain the secret, but there is nothing useful in it either.
        throw new SecretBoxError('the value cannot be decrypted with the configured CLOUDPLANE_SECRET_KEY');
      }
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;

export const sealJson = (box: SecretBox, value: unknown) => box.seal(JSON.stringify(value));
export const openJson = (box: SecretBox, sealed: string): unknown => JSON.parse(box.open(sealed)) as unknown;
