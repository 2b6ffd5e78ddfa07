import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { LiveIndicator } from '../experiments/LiveIndicator';
import { useJobLog } from './useJobLog';

// Every line has this height (lines do not wrap), so the virtualizer never measures.
const LINE_HEIGHT_PX = 20;
const OVERSCAN_LINES = 20;
// Within this many pixels of the end counts as "at the bottom": the viewer keeps following.
const BOTTOM_SLACK_PX = LINE_HEIGHT_PX * 2;

/** `text` with each case-insensitive occurrence of `query` in a <mark>. */
function highlighted(text: string, query: string): ReactNode {
  if (!query) return text;
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, from)) {
    parts.push(text.slice(from, at), <mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  parts.push(text.slice(from));
  return parts;
}

/** Saves text as a file through a temporary object URL. */
function saveText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * A job's live log: virtualized (only the visible lines are in the DOM, however long the log),
 * following the tail while scrolled to the bottom, with a search that highlights or filters
 * matches, and a download of every line loaded.
 */
export function LogViewer({ jobId }: { jobId: string }) {
  const { store, count, live } = useJobLog(jobId);
  const [query, setQuery] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [following, setFollowing] = useState(true);
  const [current, setCurrent] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const lastScrollTop = useRef(0);

  const matches = useMemo(() => store.search(query, count), [store, query, count]);
  const filtered = onlyMatches && query !== '';
  const rowCount = filtered ? matches.length : count;

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT_PX,
    overscan: OVERSCAN_LINES,
  });

  useLayoutEffect(() => {
    if (following && rowCount > 0) virtualizer.scrollToIndex(rowCount - 1, { align: 'end' });
  }, [following, rowCount, virtualizer]);

  useEffect(() => setCurrent(0), [query]);

  function onScroll() {
    const element = scrollRef.current;
    if (!element) return;
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - BOTTOM_SLACK_PX;
    // Only a move up stops following: growth of the list does not scroll, and the viewer's own
    // jumps to the end move down.
    if (atBottom) setFollowing(true);
    else if (element.scrollTop < lastScrollTop.current) setFollowing(false);
    lastScrollTop.current = element.scrollTop;
  }

  function goToMatch(step: number) {
    if (matches.length === 0) return;
    const next = (current + step + matches.length) % matches.length;
    setCurrent(next);
    setFollowing(false);
    virtualizer.scrollToIndex(filtered ? next : matches[next]!, { align: 'center' });
  }

  const currentLine = matches.length > 0 ? matches[current % matches.length] : undefined;
  return (
    <section aria-labelledby="job-log-title" className="job-log">
      <h3 id="job-log-title">
        Log <LiveIndicator state={live} />
      </h3>
      <div className="log-toolbar">
        <input
          type="search"
          aria-label="Search the log"
          placeholder="Search the log"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') goToMatch(event.shiftKey ? -1 : 1);
          }}
        />
        <span className="hint" aria-live="polite" data-testid="log-match-count">
          {query ? `${matches.length.toLocaleString()} ${matches.length === 1 ? 'match' : 'matches'}` : ''}
        </span>
        <button type="button" onClick={() => goToMatch(-1)} disabled={matches.length === 0}>
          Previous
        </button>
        <button type="button" onClick={() => goToMatch(1)} disabled={matches.length === 0}>
          Next
        </button>
        <label>
          <input type="checkbox" checked={onlyMatches} onChange={(event) => setOnlyMatches(event.target.checked)} />{' '}
          Only matching lines
        </label>
        <button type="button" onClick={() => setFollowing(true)} disabled={following} aria-pressed={following}>
          Follow
        </button>
        <button type="button" onClick={() => saveText(store.toText(), `job-${jobId}.log`)} disabled={count === 0}>
          Download
        </button>
        <span className="hint" data-testid="log-line-count">
          {count.toLocaleString()} {count === 1 ? 'line' : 'lines'}
        </span>
      </div>
      <div
        className="log-scroll"
        ref={scrollRef}
        onScroll={onScroll}
        role="log"
        aria-label="Job log"
        data-following={following}
      >
        {count === 0 && <p className="log-empty">No output yet.</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const index = filtered ? matches[item.index]! : item.index;
            const line = store.line(index);
            const classes = ['log-line'];
            if (line.stderr) classes.push('log-stderr');
            if (index === currentLine) classes.push('log-current');
            return (
              <div
                key={item.key}
                className={classes.join(' ')}
                data-line={index + 1}
                style={{ transform: `translateY(${item.start}px)`, height: LINE_HEIGHT_PX }}
              >
                <span className="log-number">{index + 1}</span>
                <span className="log-rank" title={`attempt ${line.attempt}, rank ${line.rank}`}>
                  {line.rank}
                </span>
                <span className="log-text">{highlighted(line.text, query)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
