import type { Logger } from '../observability/logger.js';

/**
 * Runs `pass` every `intervalMs` after the previous pass ended (never two at
 * once), logs a failed pass instead of stopping, and on stop waits for the pass
 * in progress. The outbox worker and the webhook dispatcher both poll this way.
 */
export interface Poller {
  start(): void;
  stop(): Promise<void>;
}

export function createPoller(options: { intervalMs: number; pass: () => Promise<unknown>; logger: Logger; failureMessage: string }): Poller {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = options
        .pass()
        .catch((error: unknown) => options.logger.error({ err: error }, options.failureMessage))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
