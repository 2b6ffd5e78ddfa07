import { RouterRequestError } from '../http/request-errors.js';

/** The credential an Authorization header carries. */
export type Credential = { kind: 'none' } | { kind: 'accessToken'; token: string } | { kind: 'apiKey'; key: string };

const API_KEY = /^aitip_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const EXPECTED =
  'Send "Authorization: Bearer <access token>" (aitip login) or "Authorization: Bearer aitip_<id>_<secret>" (an API key).';

/** Reads the Authorization header: none, a Bearer access token (JWT) or a Bearer API key. */
export function credentialOf(header: string | undefined): Credential {
  if (header === undefined || header === '') return { kind: 'none' };
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header.trim());
  if (!match || match[1]!.toLowerCase() !== 'bearer') {
    const scheme = header.trim().split(/\s+/)[0] ?? '';
    throw unauthenticated(
      match
        ? `The "${scheme}" authorization scheme is not supported. ${EXPECTED}`
        : `The Authorization header is malformed. ${EXPECTED}`,
    );
  }
  const value = match[2]!;
  if (value.startsWith('aitip_')) {
    if (!API_KEY.test(value)) throw unauthenticated(`This is not a well-formed AITIP API key. ${EXPECTED}`);
    return { kind: 'apiKey', key: value };
  }
  if (value.startsWith('aitipr_')) {
    throw unauthenticated(
      'This is a refresh token: exchange it with refreshSession and send the access token it returns.',
    );
  }
  if (!JWT.test(value))
    throw unauthenticated(`The bearer credential is neither an access token nor an API key. ${EXPECTED}`);
  return { kind: 'accessToken', token: value };
}

/** A 401 with the WWW-Authenticate header that names the scheme we expect. */
export function unauthenticated(message: string, extensions: Record<string, unknown> = {}): RouterRequestError {
  return new RouterRequestError(401, 'UNAUTHENTICATED', message, extensions, {
    'www-authenticate': 'Bearer realm="aitip"',
  });
}
