import { useEffect, useState } from 'react';
import { RouterUnreachableError, fetchReadinessReport, type ReadinessReport } from './readiness';

/** How often the Status page asks the router again. */
export const READINESS_REFRESH_MS = 5000;

// Longer than the router's own probe timeouts would be pointless: it answers or it is down.
const READINESS_REQUEST_TIMEOUT_MS = 4000;

export interface CheckedReport {
  report: ReadinessReport;
  checkedAt: Date;
}

export type ReadinessState =
  | { phase: 'checking' }
  | ({ phase: 'reported' } & CheckedReport)
  | { phase: 'unreachable'; reason: string; checkedAt: Date; lastReport: CheckedReport | null };

/** Polls /readyz every READINESS_REFRESH_MS, one request at a time. */
export function useReadiness(): ReadinessState {
  const [state, setState] = useState<ReadinessState>({ phase: 'checking' });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight: AbortController | undefined;

    async function check() {
      inFlight = new AbortController();
      const timeout = setTimeout(() => inFlight?.abort(), READINESS_REQUEST_TIMEOUT_MS);
      try {
        const report = await fetchReadinessReport(inFlight.signal);
        if (!stopped) setState({ phase: 'reported', report, checkedAt: new Date() });
      } catch (error) {
        if (stopped) return;
        const reason =
          error instanceof RouterUnreachableError
            ? error.message
            : `No answer within ${READINESS_REQUEST_TIMEOUT_MS / 1000} s.`;
        setState((previous) => ({
          phase: 'unreachable',
          reason,
          checkedAt: new Date(),
          lastReport:
            previous.phase === 'reported'
              ? { report: previous.report, checkedAt: previous.checkedAt }
              : previous.phase === 'unreachable'
                ? previous.lastReport
                : null,
        }));
      } finally {
        clearTimeout(timeout);
        if (!stopped) timer = setTimeout(() => void check(), READINESS_REFRESH_MS);
      }
    }

    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
    };
  }, []);

  return state;
}
