import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import {
  attachmentDisposition,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  scopeAllows,
  type BlobStore,
  type RouteContext,
  type SubgraphRoute,
  type UrlSigner,
} from '@aitip/kit';
import type { DatasetStore } from '../datasets/dataset.store.js';
import type { DatasetVersionStore } from './dataset-version.store.js';

const ARCHIVE_PATH = /^\/versions\/([0-9a-fA-F-]{36})\/archive$/;

/** What a signed archive link signs: the organization and the version. */
const archiveSubject = (orgId: string, versionId: string) => `dataset-archive:${orgId}:${versionId}`;

/** A link that downloads a version as a tar archive until it expires, without the caller's credentials. */
export function archiveUrl(
  publicUrl: string,
  signer: UrlSigner,
  orgId: string,
  versionId: string,
  ttlSeconds: number,
): string {
  const { expires, signature } = signer.sign(archiveSubject(orgId, versionId), ttlSeconds);
  const query = new URLSearchParams({ org: orgId, expires, signature });
  return `${publicUrl.replace(/\/$/, '')}/api/datasets/versions/${versionId}/archive?${query}`;
}

/**
 * `GET /api/datasets/versions/<id>/archive`: the version's files as one tar stream, read from blob
 * storage file by file (never held in memory). Allowed for a caller holding `datasets:read` in the
 * version's organization, or with a signed link from `DatasetVersion.archiveUrl`.
 */
export function archiveRoute(
  versions: DatasetVersionStore,
  datasets: DatasetStore,
  blob: BlobStore,
  signer: UrlSigner,
): SubgraphRoute {
  return {
    method: 'GET',
    path: ARCHIVE_PATH,
    async handler(req, res, context: RouteContext) {
      const versionId = context.params[0]!.toLowerCase();
      const orgId = authorizedOrganization(context, signer, versionId);
      const version = await versions.findById(orgId, versionId);
      if (!version || version.status === 'PURGED') {
        throw new NotFoundError(`There is no dataset version ${versionId} in this organization.`);
      }
      const [files, dataset] = await Promise.all([
        versions.files(orgId, versionId),
        datasets.findById(orgId, version.datasetId),
      ]);
      const filename = `${dataset?.name ?? 'dataset'}-v${version.version}.tar`;
      res.writeHead(200, {
        'content-type': 'application/x-tar',
        'content-disposition': attachmentDisposition(filename),
        'cache-control': 'private, no-store',
      });
      if (req.method === 'HEAD') return void res.end();
      const archive = pack();
      const sending = pipeline(archive, res);
      for (const file of files) {
        if (!file.blobKey) continue;
        const entry = archive.entry({ name: file.path, size: Number(file.sizeBytes), mtime: version.createdAt });
        await pipeline(await blob.get(file.blobKey), entry);
      }
      archive.finalize();
      await sending;
    },
  };
}

function authorizedOrganization(context: RouteContext, signer: UrlSigner, versionId: string): string {
  const { identity, query } = context;
  const signedOrg = query.get('org');
  if (signedOrg && query.get('signature')) {
    if (signer.verify(archiveSubject(signedOrg, versionId), query.get('expires'), query.get('signature'))) {
      return signedOrg;
    }
    throw new ForbiddenError('This download link is not valid or has expired; ask for a fresh `archiveUrl`.');
  }
  if (identity.kind === 'anonymous') {
    throw new UnauthenticatedError('Sign in (Authorization: Bearer …) or use the signed link from `archiveUrl`.');
  }
  if (!identity.orgId) throw new ForbiddenError('Choose an organization: send its id in the "x-aitip-org" header.');
  if (!scopeAllows(identity.scopes, 'datasets:read')) {
    throw new ForbiddenError('Downloading a dataset version needs the datasets:read scope.');
  }
  return identity.orgId;
}
