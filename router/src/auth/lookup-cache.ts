import { LRUCache } from 'lru-cache';

/**
 * A cache of lookups that may answer "none" (cached for a shorter time), sharing one lookup among
 * concurrent requests for the same key. A lookup that was in flight while any entry was dropped
 * is not stored, so a revocation can never be undone by an answer read just before it.
 */
export class LookupCache<V extends object> {
  private readonly entries: LRUCache<string, { value: V | null }>;
  private readonly inFlight = new Map<string, Promise<V | null>>();
  private generation = 0;

  constructor(
    private readonly options: {
      max: number;
      ttlMs: number;
      negativeTtlMs: number;
      /** Called with each stored answer, e.g. to index it for revocation. */
      onStore?: (key: string, value: V | null) => void;
    },
  ) {
    this.entries = new LRUCache({ max: options.max, ttl: options.ttlMs });
  }

  /** The cached answer for `key`, or `load()`'s (stored for next time). */
  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const hit = this.entries.get(key);
    if (hit) return hit.value;
    const running = this.inFlight.get(key);
    if (running) return running;
    const generation = this.generation;
    const pending = load().then((value) => {
      if (generation === this.generation) {
        this.entries.set(key, { value }, { ttl: value ? this.options.ttlMs : this.options.negativeTtlMs });
        this.options.onStore?.(key, value);
      }
      return value;
    });
    this.inFlight.set(key, pending);
    const forget = () => {
      if (this.inFlight.get(key) === pending) this.inFlight.delete(key);
    };
    pending.then(forget, forget);
    return pending;
  }

  /** Drops one entry, and keeps every lookup now in flight from being stored. */
  delete(key: string | undefined): void {
    this.generation++;
    this.inFlight.clear();
    if (key !== undefined) this.entries.delete(key);
  }
}
