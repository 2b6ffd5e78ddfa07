import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '../errors.js';

/** What a local presigned URL allows, beyond its method and key. */
export interface SignedBlobParams {
  uploadId?: string;
  partNumber?: number;
  filename?: string;
  contentType?: string;
}

/** The verified content of a presigned URL. */
export interface VerifiedBlobRequest extends SignedBlobParams {
  expiresAt: Date;
}

/** Route prefix under which the router serves the local store's presigned URLs. */
export const BLOB_ROUTE = '/blob/';

/**
 * Signs and verifies the local store's presigned URLs:
 * `${base}/blob/<key>?expires=<unix s>[&uploadId&partNumber|&filename|&contentType]&signature=<hmac>`,
 * the HMAC-SHA256 covering the method, key, expiry and every other parameter.
 */
export class BlobUrlSigner {
  private readonly base: string;
  private readonly basePath: string;

  constructor(
    publicBaseUrl: string,
    private readonly secret: string,
  ) {
    if (!secret) throw new Error('the local blob store needs a signing secret for its URLs');
    const url = new URL(publicBaseUrl);
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  sign(method: 'GET' | 'PUT', key: string, ttlSeconds: number, params: SignedBlobParams = {}): string {
    const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
    const query = new URLSearchParams({ expires: String(expires) });
    if (params.uploadId !== undefined) query.set('uploadId', params.uploadId);
    if (params.partNumber !== undefined) query.set('partNumber', String(params.partNumber));
    if (params.filename !== undefined) query.set('filename', params.filename);
    if (params.contentType !== undefined) query.set('contentType', params.contentType);
    query.set('signature', this.mac(method, key, String(expires), params));
    const path = key.split('/').map(encodeURIComponent).join('/');
    return `${this.base}${BLOB_ROUTE}${path}?${query.toString()}`;
  }

  /**
   * The encoded key of a request path under `/blob/` (or under the public base URL's path,
   * when the router is reached without a proxy stripping it); null for any other path.
   */
  encodedKeyOf(pathname: string): string | null {
    for (const prefix of [this.basePath + BLOB_ROUTE, BLOB_ROUTE]) {
      if (pathname.startsWith(prefix)) return pathname.slice(prefix.length);
    }
    return null;
  }

  /** Checks the signature, then the expiry; ForbiddenError says which failed. */
  verify(method: 'GET' | 'PUT', key: string, query: URLSearchParams): VerifiedBlobRequest {
    const signature = query.get('signature');
    const expires = query.get('expires');
    if (!signature || !expires) {
      throw new ForbiddenError('this blob URL is not signed; ask the API for a presigned URL');
    }
    if (!/^\d{1,12}$/.test(expires)) {
      throw new ForbiddenError('this blob URL has a malformed expiry; ask the API for a new one');
    }
    const partNumber = query.get('partNumber');
    if (partNumber !== null && !/^\d{1,5}$/.test(partNumber)) {
      throw new ForbiddenError('this blob URL has a malformed part number');
    }
    const params: SignedBlobParams = {
      uploadId: query.get('uploadId') ?? undefined,
      partNumber: partNumber === null ? undefined : Number(partNumber),
      filename: query.get('filename') ?? undefined,
      contentType: query.get('contentType') ?? undefined,
    };
    const expected = Buffer.from(this.mac(method, key, expires, params), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ForbiddenError(
        `signature does not match: this URL was altered or was not issued for ${method} of this key`,
      );
    }
    const expiresAt = new Date(Number(expires) * 1000);
    if (Date.now() > expiresAt.getTime()) {
      throw new ForbiddenError(`this blob URL expired at ${expiresAt.toISOString()}; ask the API for a new one`);
    }
    return { ...params, expiresAt };
  }

  private mac(method: string, key: string, expires: string, params: SignedBlobParams): string {
    // JSON keeps the fields unambiguous whatever characters the key holds
    const payload = JSON.stringify([
      'aitip-blob-v1',
      method,
      key,
      expires,
      params.uploadId ?? null,
      params.partNumber ?? null,
      params.filename ?? null,
      params.contentType ?? null,
    ]);
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
