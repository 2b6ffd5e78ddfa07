import { InputError, isUuid, NotFoundError, requireOrg, type Identity } from '@aitip/kit';
import type { SecretStore } from './secret.store.js';
import type { SecretCipher } from './secret-cipher.js';
import { toSecret, type Secret } from './secret.type.js';

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_VALUE_BYTES = 64 * 1024;

/** Organization secrets: set and delete by name, list names; values are only revealed to the platform. */
export class SecretService {
  constructor(
    private readonly store: SecretStore,
    private readonly cipher: SecretCipher,
  ) {}

  async set(identity: Identity, name: string, value: string): Promise<Secret> {
    const orgId = requireOrg(identity);
    checkName(name);
    if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
      throw new InputError('A secret value may be at most 64 KiB; store larger data as a dataset.', { field: 'value' });
    }
    const row = await this.store.upsert(orgId, name, this.cipher.seal(orgId, name, value), identity.userId ?? null);
    return toSecret(row);
  }

  async list(identity: Identity): Promise<Secret[]> {
    return (await this.store.list(requireOrg(identity))).map(toSecret);
  }

  async delete(identity: Identity, name: string): Promise<boolean> {
    const orgId = requireOrg(identity);
    checkName(name);
    if (!(await this.store.delete(orgId, name))) {
      throw new NotFoundError(`There is no secret named "${name}" in this organization; \`secrets\` lists them.`);
    }
    return true;
  }

  /** The decrypted value of `orgId`'s secret `name`, or null when there is none (for platform services only). */
  async reveal(orgId: string, name: string): Promise<string | null> {
    if (!isUuid(orgId) || !NAME.test(name)) return null;
    const row = await this.store.find(orgId, name);
    if (!row) return null;
    try {
      return this.cipher.open(orgId, name, row);
    } catch {
      throw new Error(
        `The secret "${name}" of organization ${orgId} does not decrypt: its stored value was changed, or the master key (AITIP_MASTER_KEY) differs from the one it was set with.`,
      );
    }
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new InputError(
      `"${name.slice(0, 60)}" cannot be a secret name: use 1 to 128 letters, digits, "_", "." and "-".`,
      { field: 'name' },
    );
  }
}
