import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Creates the structured JSON logger for one service; child loggers carry the request id. */
export function createLogger(service: string, level: LoggerOptions['level'] = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
