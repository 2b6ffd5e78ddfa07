/** Named checks run by /readyz; each resolves when its dependency answers. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; latencyMs: number }>;
}

/** Runs every check in parallel, each bounded by `timeoutMs`. */
export async function checkReadiness(checks: ReadinessChecks, timeoutMs = 2000): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ok: true, latencyMs: Math.round(performance.now() - started) }] as const;
      } catch (err) {
        return [
          name,
          { ok: false, error: (err as Error).message, latencyMs: Math.round(performance.now() - started) },
        ] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
}
