import type { LiveStreamState } from './useLiveStream';

/** A small line saying whether live updates arrive. */
export function LiveIndicator({ state }: { state: LiveStreamState }) {
  const label =
    state.connection === 'live'
      ? 'Live'
      : state.connection === 'connecting'
        ? 'Connecting…'
        : state.connection === 'reconnecting'
          ? 'Reconnecting…'
          : 'Live updates stopped';
  return (
    <span className={`live-indicator live-${state.connection}`} role="status" aria-label="Live updates">
      {label}
      {state.problem && <span className="hint"> · {state.problem}</span>}
    </span>
  );
}
