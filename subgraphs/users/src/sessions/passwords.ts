import { randomBytes } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { InputError } from '@aitip/kit';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 1024;

/** Throws InputError unless `password` meets the policy. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InputError(
      `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words make a good one.`,
      { field: 'password' },
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new InputError(`Choose a password of at most ${MAX_PASSWORD_LENGTH} characters.`, { field: 'password' });
  }
}

/** argon2id hashing and verification, with a dummy hash so an unknown account costs as much as a wrong password. */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  /** Whether `password` matches `stored`; without a stored hash it verifies against a dummy one and answers false. */
  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    this.dummy ??= hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
    const target = stored ?? (await this.dummy);
    const matches = await verify(target, password).catch(() => false);
    return Boolean(stored) && matches;
  }
}
