import { useEffect, useState } from 'react';
import type { FormattedExecutionResult } from 'graphql';
import { useClient } from 'urql';
import { describeApiError } from '../graphql/errors';
import { useSubscriptionClient } from '../shell/subscription-client';
import {
  DATASET_UPLOAD_OUTCOME,
  DATASET_VERSION_PROGRESS_SOURCE,
  FINISHED_UPLOAD_STATUSES,
  type DatasetUploadStatus,
  type UploadProgressEvent,
  type ValidationIssue,
} from './operations';

// After the subscription failed on the network, subscribe again (after the last event) this much later.
const RESUBSCRIBE_DELAY_MS = 3_000;

/** An upload's validation as the page shows it. */
export interface UploadProgressState {
  status: DatasetUploadStatus | null;
  /** 0 to 1. */
  progress: number;
  message: string;
  versionId: string | null;
  issues: ValidationIssue[];
  /** Why updates are not arriving, when they are not. */
  problem: string | null;
}

type ProgressResult = FormattedExecutionResult<{ datasetVersionProgress: UploadProgressEvent }>;

const INITIAL: UploadProgressState = {
  status: null,
  progress: 0,
  message: '',
  versionId: null,
  issues: [],
  problem: null,
};

function describeFailure(failure: unknown): string {
  if (Array.isArray(failure)) {
    return [...new Set(failure.map((error: { message?: unknown }) => String(error.message)))].join(' ');
  }
  const closed = failure as { code?: unknown; reason?: unknown } | null;
  if (closed && typeof closed.code === 'number') {
    return closed.reason
      ? `The connection closed: ${String(closed.reason)}`
      : `The connection closed (${closed.code}).`;
  }
  return failure instanceof Error ? failure.message : 'The connection to the API failed.';
}

/**
 * Follows an upload's validation with `datasetVersionProgress` until it is READY or INVALID.
 * It also asks for the upload once, so an upload that finished before the page subscribed (or
 * whose progress stream is gone) still shows how it ended. Null follows nothing.
 */
export function useUploadProgress(uploadId: string | null): UploadProgressState {
  const client = useSubscriptionClient();
  const urqlClient = useClient();
  const [state, setState] = useState<UploadProgressState>(INITIAL);

  useEffect(() => {
    setState(INITIAL);
    if (!uploadId) return;
    let stopped = false;
    let finished = false;
    let unsubscribe = () => {};
    let resubscribeTimer: ReturnType<typeof setTimeout> | undefined;
    const update = (change: Partial<UploadProgressState>) => {
      if (!stopped) setState((current) => ({ ...current, ...change }));
    };
    const finish = () => {
      finished = true;
      clearTimeout(resubscribeTimer);
      unsubscribe();
    };

    urqlClient
      .query(DATASET_UPLOAD_OUTCOME, { id: uploadId }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (stopped || finished) return;
        const upload = result.data?.datasetUpload;
        if (!upload) {
          if (result.error) update({ problem: describeApiError(result.error) });
          return;
        }
        if (!FINISHED_UPLOAD_STATUSES.includes(upload.status)) return;
        update({
          status: upload.status,
          progress: upload.status === 'READY' ? 1 : upload.progress,
          message: '',
          versionId: upload.versionId,
          issues: upload.issues,
          problem: null,
        });
        finish();
      })
      .catch(() => {});

    const payload = { query: DATASET_VERSION_PROGRESS_SOURCE, variables: { uploadId, after: null as string | null } };
    function subscribe() {
      unsubscribe = client.subscribe<ProgressResult['data']>(payload, {
        next(result) {
          const event = result.data?.datasetVersionProgress;
          if (!event) {
            if (result.errors?.length) update({ problem: describeFailure(result.errors) });
            return;
          }
          // graphql-ws resends this payload when it reconnects: resume after what arrived.
          payload.variables.after = event.cursor;
          if (finished) return;
          update({
            status: event.status,
            progress: event.progress,
            message: event.message,
            versionId: event.versionId,
            issues: event.issues,
            problem: null,
          });
          if (FINISHED_UPLOAD_STATUSES.includes(event.status)) finish();
        },
        error(failure) {
          update({ problem: describeFailure(failure) });
          // A refusal of the subscription itself (no access, bad query) does not get better by retrying.
          if (stopped || finished || Array.isArray(failure)) return;
          clearTimeout(resubscribeTimer);
          resubscribeTimer = setTimeout(subscribe, RESUBSCRIBE_DELAY_MS);
        },
        complete() {
          if (stopped || finished) return;
          clearTimeout(resubscribeTimer);
          resubscribeTimer = setTimeout(subscribe, RESUBSCRIBE_DELAY_MS);
        },
      });
    }
    subscribe();

    return () => {
      stopped = true;
      clearTimeout(resubscribeTimer);
      unsubscribe();
    };
  }, [client, urqlClient, uploadId]);

  return state;
}
