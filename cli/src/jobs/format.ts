import { formatTable } from '../table.js';
import type { TrainingJob } from './api.js';

/** The jobs as a table: id, name, status, backend, attempts, created. */
export function jobsTable(jobs: TrainingJob[]): string {
  return formatTable([
    ['ID', 'NAME', 'STATUS', 'BACKEND', 'ATTEMPTS', 'CREATED'],
    ...jobs.map((j) => [j.id, j.name, j.status, j.spec.backend, String(j.attemptCount), j.createdAt]),
  ]);
}

/** A job: status and why, its run, then one line per attempt with its outcome. */
export function renderJob(job: TrainingJob): string {
  const lines = [
    `Job:       ${job.name} (${job.id})`,
    `Status:    ${job.status}${job.message ? ` — ${job.message}` : ''}`,
  ];
  if (job.hint) lines.push(`Hint:      ${job.hint}`);
  lines.push(`Backend:   ${job.spec.backend}${job.spec.image ? ` (${job.spec.image})` : ''}`);
  lines.push(`Command:   ${job.spec.command.join(' ')}`);
  if (job.spec.codeArchiveId) lines.push(`Code:      archive ${job.spec.codeArchiveId}`);
  lines.push(`Run:       ${job.runId ?? '(none)'}${job.experimentId ? ` in experiment ${job.experimentId}` : ''}`);
  lines.push(`Created:   ${job.createdAt}`);
  if (job.attempts.length === 0) {
    lines.push('Attempts:  none yet');
    return lines.join('\n');
  }
  lines.push('Attempts:');
  const rows = [['#', 'STATUS', 'OUTCOME', 'EXIT', 'LINES', 'WORKER', 'MESSAGE']];
  for (const a of job.attempts) {
    rows.push([
      String(a.number),
      a.status,
      a.outcome ?? '-',
      a.exitCode === null ? '-' : String(a.exitCode),
      String(a.logLines),
      a.workerId ?? '-',
      [a.message, a.hint].filter(Boolean).join(' — '),
    ]);
  }
  lines.push(
    formatTable(rows)
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  return lines.join('\n');
}

/** The line `run --follow` ends with: the final status and why. */
export function finalLine(job: TrainingJob): string {
  return `Job ${job.id} ${job.status}${job.message ? `: ${job.message}` : ''}${job.hint ? ` (${job.hint})` : ''}`;
}
