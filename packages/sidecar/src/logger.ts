/**
 * The only module that creates pino loggers. Lines are JSON on stdout (or the given stream);
 * callers log ids, file names and error codes, never a value or the token.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * Creates the process logger. Header fields that could carry the token are redacted as a second
 * line of defence, because no code path is meant to log headers.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { name: 'kura' },
    redact: {
      paths: [
        'token',
        'headers["x-aws-parameters-secrets-token"]',
        'req.headers["x-aws-parameters-secrets-token"]',
      ],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
