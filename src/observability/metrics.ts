import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  casesRegistered: Counter<'environment'>;
  messagesSent: Counter<'kind'>;
  messagesParked: Counter<'kind'>;
}

/** One registry per app instance, so tests can build many apps in one process. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'efm_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'efm_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'efm_http_request_duration_seconds',
      help: 'HTTP request duration by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    casesRegistered: new Counter({
      name: 'efm_cases_registered_total',
      help: 'Onboarding cases registered',
      labelNames: ['environment'],
      registers: [registry],
    }),
    messagesSent: new Counter({
      name: 'efm_messages_sent_total',
      help: 'Outbox messages delivered, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    messagesParked: new Counter({
      name: 'efm_messages_failed_total',
      help: 'Outbox messages parked as failed after the last retry, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
