import {
  ForbiddenError,
  InputError,
  sendJson,
  scopeAllows,
  UnauthenticatedError,
  type RouteContext,
  type SubgraphRoute,
} from '@aitip/kit';
import type { CodeArchives } from './code-archives.js';

/**
 * `PUT /api/training/code-archives` with a `.tar.gz` body: stores it as a code archive of the
 * caller's organization and answers `{ archiveId, sha256, size }`. Needs `training:write`.
 */
export function codeArchiveUploadRoute(archives: CodeArchives, maxBytes: number): SubgraphRoute {
  return {
    method: 'PUT',
    path: /^\/code-archives\/?$/,
    async handler(req, res, context: RouteContext) {
      const orgId = uploader(context);
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        req.resume();
        throw new InputError(
          `The code archive is larger than ${maxBytes} bytes (TRAINING_CODE_ARCHIVE_MAX_MIB): it has ${declared}; leave data and build outputs out of it, and read data from dataset inputs.`,
        );
      }
      const stored = await archives.upload(orgId, req, maxBytes);
      context.log.info({ orgId, archiveId: stored.archiveId, size: stored.size }, 'code archive uploaded');
      sendJson(res, 201, stored);
    },
  };
}

function uploader(context: RouteContext): string {
  const { identity } = context;
  if (identity.kind === 'anonymous')
    throw new UnauthenticatedError('Sign in (Authorization: Bearer …) to upload code.');
  if (!identity.orgId) throw new ForbiddenError('Choose an organization: send its id in the "x-aitip-org" header.');
  if (!scopeAllows(identity.scopes, 'training:write')) {
    throw new ForbiddenError('Uploading a code archive needs the training:write scope.');
  }
  return identity.orgId;
}
