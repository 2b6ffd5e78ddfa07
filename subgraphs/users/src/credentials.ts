import { randomBytes, timingSafeEqual } from 'node:crypto';
import { credentialHash } from '@aitip/kit';

/** A fresh opaque credential: `<prefix>_` and 32 random bytes in base64url (43 characters). */
export function newOpaqueToken(prefix: 'aitipr' | 'aitipi' | 'aitips'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Whether `credential` hashes to the stored hex `hash`, compared in constant time. */
export function matchesHash(credential: string, hash: string): boolean {
  const given = Buffer.from(credentialHash(credential), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
