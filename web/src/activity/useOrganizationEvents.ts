import { useEffect, useState } from 'react';
import type { FormattedExecutionResult } from 'graphql';
import { useSubscriptionClient } from '../shell/subscription-client';
import { ACTIVITY_FEED_LIMIT, ORGANIZATION_EVENTS_SOURCE, type OrganizationEvent } from './operations';

// After the client gave up (its retries spent, or the router closed with a code it does not
// retry, such as an expired token), subscribe again this much later.
const RESUBSCRIBE_DELAY_MS = 3_000;

/** Where the feed stands: waiting for the first connection, following events, or reconnecting. */
export type ActivityConnection = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface ActivityFeed {
  /** Newest first, at most ACTIVITY_FEED_LIMIT. */
  events: OrganizationEvent[];
  connection: ActivityConnection;
  /** Why the feed is reconnecting or stopped, when the router said. */
  problem: string | null;
}

type OrganizationEventsResult = FormattedExecutionResult<{ organizationEvents: OrganizationEvent }>;

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
 * Follows `organizationEvents` over the shell's WebSocket. On a reconnect it resumes right after
 * the last event it received (`after`), so nothing is missed or shown twice.
 */
export function useOrganizationEvents(): ActivityFeed {
  const client = useSubscriptionClient();
  const [feed, setFeed] = useState<ActivityFeed>({ events: [], connection: 'connecting', problem: null });

  useEffect(() => {
    let stopped = false;
    let lastCursor: string | null = null;
    let unsubscribe = () => {};
    let resubscribeTimer: ReturnType<typeof setTimeout> | undefined;
    const update = (change: Partial<ActivityFeed>) => {
      if (!stopped) setFeed((current) => ({ ...current, ...change }));
    };
    const offConnected = client.on('connected', () => update({ connection: 'live', problem: null }));
    const offClosed = client.on('closed', () => update({ connection: 'reconnecting' }));

    function subscribe() {
      // graphql-ws sends this same payload again when it re-subscribes after reconnecting on its
      // own, so keeping `after` current here makes those re-subscriptions resume too.
      const payload = { query: ORGANIZATION_EVENTS_SOURCE, variables: { after: lastCursor } };
      const resubscribeLater = () => {
        if (stopped) return;
        clearTimeout(resubscribeTimer);
        resubscribeTimer = setTimeout(subscribe, RESUBSCRIBE_DELAY_MS);
      };
      unsubscribe = client.subscribe<OrganizationEventsResult['data']>(payload, {
        next(result) {
          const event = result.data?.organizationEvents;
          if (!event) {
            if (result.errors?.length) update({ problem: describeFailure(result.errors) });
            return;
          }
          lastCursor = event.cursor;
          payload.variables.after = event.cursor;
          if (stopped) return;
          setFeed((current) => ({
            connection: 'live',
            problem: null,
            // A cursor already shown is a replay the router sent again: keep the one we have.
            events: current.events.some((shown) => shown.cursor === event.cursor)
              ? current.events
              : [event, ...current.events].slice(0, ACTIVITY_FEED_LIMIT),
          }));
        },
        error(failure) {
          if (Array.isArray(failure)) {
            // The router refused the subscription itself (no access, a bad query): retrying cannot help.
            update({ connection: 'stopped', problem: describeFailure(failure) });
            return;
          }
          update({ connection: 'reconnecting', problem: describeFailure(failure) });
          resubscribeLater();
        },
        complete() {
          update({ connection: 'reconnecting' });
          resubscribeLater();
        },
      });
    }

    subscribe();
    return () => {
      stopped = true;
      clearTimeout(resubscribeTimer);
      unsubscribe();
      offConnected();
      offClosed();
    };
  }, [client]);

  return feed;
}
