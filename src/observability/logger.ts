import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs. Headers are never logged wholesale; the redaction list is a second
 * line of defence in case someone logs a request object anyway.
 */
export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'efm-onboarding' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', '*.accessToken', 'accessToken', '*.token', 'token'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
