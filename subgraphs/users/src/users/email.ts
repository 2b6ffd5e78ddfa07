import { InputError } from '@aitip/kit';

// deliberately loose: one @, no spaces, a dot in the domain; the real check is the invitation e-mail
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The e-mail address as stored: trimmed and lower-cased; throws InputError when it is not one. */
export function normalizeEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new InputError(`"${value.trim().slice(0, 100)}" is not an e-mail address; enter one like ada@example.com.`, {
      field: 'email',
    });
  }
  return email;
}
