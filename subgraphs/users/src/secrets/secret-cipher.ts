import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** An encrypted value as stored. */
export interface SealedValue {
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

/**
 * AES-256-GCM with key SHA-256(master key) and a random 12-byte IV per value. The organization id and
 * the secret's name are the additional authenticated data, so a value copied into another
 * organization's row, or into another secret's row, does not decrypt.
 */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(masterKey: string) {
    this.key = createHash('sha256').update(masterKey).digest();
  }

  seal(orgId: string, name: string, value: string): SealedValue {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(associatedData(orgId, name));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { iv, authTag: cipher.getAuthTag(), ciphertext };
  }

  /** Decrypts; throws when the stored value was changed, moved or encrypted with another master key. */
  open(orgId: string, name: string, sealed: SealedValue): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.iv);
    decipher.setAAD(associatedData(orgId, name));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }
}

/** Binds a value to its organization and name (a newline cannot occur in either). */
function associatedData(orgId: string, name: string): Buffer {
  return Buffer.from(`${orgId}\n${name}`, 'utf8');
}
