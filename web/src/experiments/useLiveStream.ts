import { useEffect, useRef, useState } from 'react';
import type { FormattedExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import { useSubscriptionClient } from '../shell/subscription-client';

// After the client gave up (retries spent, or a close it does not retry), subscribe again this much later.
const RESUBSCRIBE_DELAY_MS = 3_000;

/** Whether a page's live updates are arriving. */
export type LiveConnection = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface LiveStreamState {
  connection: LiveConnection;
  /** Why updates are not arriving, when the router said. */
  problem: string | null;
}

// Whether each shell client's socket is open now. graphql-ws only announces changes, and a page
// that subscribes on a socket another subscription already opened would not hear 'connected'.
const socketOpen = new WeakMap<Client, boolean>();

function trackSocket(client: Client): void {
  if (socketOpen.has(client)) return;
  socketOpen.set(client, false);
  client.on('connected', () => socketOpen.set(client, true));
  client.on('closed', () => socketOpen.set(client, false));
}

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
 * Follows a stream subscription (one whose events carry a `cursor` and take `after`) over the
 * shell's WebSocket and hands each event to `onEvent`. After a dropped connection it resumes
 * right after the last event received, so nothing is missed or delivered twice. It subscribes
 * again when `variables` change (compared by value); null variables follow nothing.
 */
export function useLiveStream<Event extends { cursor: string }>(
  source: string,
  field: string,
  variables: Record<string, unknown> | null,
  onEvent: (event: Event) => void,
): LiveStreamState {
  const client = useSubscriptionClient();
  const [state, setState] = useState<LiveStreamState>({ connection: 'connecting', problem: null });
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const variablesKey = variables === null ? null : JSON.stringify(variables);

  useEffect(() => {
    trackSocket(client);
    if (variablesKey === null) return;
    let stopped = false;
    let unsubscribe = () => {};
    let resubscribeTimer: ReturnType<typeof setTimeout> | undefined;
    const update = (change: LiveStreamState) => {
      if (!stopped) setState(change);
    };
    // graphql-ws sends this same payload again when it reconnects by itself: keeping `after`
    // current here makes those re-subscriptions resume too.
    const payload = {
      query: source,
      variables: { ...(JSON.parse(variablesKey) as Record<string, unknown>), after: null as string | null },
    };
    const offConnected = client.on('connected', () => update({ connection: 'live', problem: null }));
    const offClosed = client.on('closed', () => update({ connection: 'reconnecting', problem: null }));

    function resubscribeLater() {
      if (stopped) return;
      clearTimeout(resubscribeTimer);
      resubscribeTimer = setTimeout(subscribe, RESUBSCRIBE_DELAY_MS);
    }
    function subscribe() {
      unsubscribe = client.subscribe<Record<string, Event>>(payload, {
        next(result: FormattedExecutionResult<Record<string, Event>>) {
          const event = result.data?.[field];
          if (!event) {
            if (result.errors?.length) update({ connection: 'live', problem: describeFailure(result.errors) });
            return;
          }
          if (event.cursor === payload.variables.after) return;
          payload.variables.after = event.cursor;
          if (stopped) return;
          setState((current) => (current.connection === 'live' ? current : { connection: 'live', problem: null }));
          onEventRef.current(event);
        },
        error(failure) {
          if (Array.isArray(failure)) {
            // The router refused the subscription itself (no access, bad arguments): retrying cannot help.
            update({ connection: 'stopped', problem: describeFailure(failure) });
            return;
          }
          update({ connection: 'reconnecting', problem: describeFailure(failure) });
          resubscribeLater();
        },
        complete() {
          update({ connection: 'reconnecting', problem: null });
          resubscribeLater();
        },
      });
    }

    subscribe();
    if (socketOpen.get(client)) update({ connection: 'live', problem: null });
    return () => {
      stopped = true;
      clearTimeout(resubscribeTimer);
      unsubscribe();
      offConnected();
      offClosed();
    };
  }, [client, source, field, variablesKey]);

  return state;
}
