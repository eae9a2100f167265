import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../domain/app-error.js';
import type { Delivery } from '../delivery/index.js';
import type { OutboxRecord } from '../delivery/outbox.js';
import { requireAdmin } from './auth.js';
import { parseWith } from './parse.js';

/** What the agency and servicedesk see of a message: never its attachments' bytes. */
export function deliveryView(record: OutboxRecord) {
  return {
    id: record.id,
    caseId: record.caseId,
    kind: record.kind,
    to: record.message.to,
    cc: record.message.cc,
    subject: record.message.subject,
    status: record.status,
    attempts: record.attempts,
    nextAttemptAt: record.status === 'pending' ? record.nextAttemptAt : null,
    lastError: record.lastError,
    createdAt: record.createdAt,
    sentAt: record.sentAt,
  };
}

const OutboxQuery = z.strictObject({ status: z.enum(['pending', 'sending', 'sent', 'failed']).optional() });

/** Servicedesk: the outbox, with failed messages and a retry button. */
export function deliveryRouter(deps: { delivery: Delivery; adminTokenHash: string; clock: () => Date }): Router {
  const router = Router();
  router.use('/api/admin/outbox', requireAdmin(deps.adminTokenHash));

  router.get('/api/admin/outbox', async (req, res) => {
    const query = parseWith(OutboxQuery, req.query);
    const records = await deps.delivery.outbox.list(query);
    res.setHeader('Cache-Control', 'no-store').json({ items: records.map(deliveryView) });
  });

  router.post('/api/admin/outbox/:id/retry', async (req, res) => {
    const outcome = await deps.delivery.outbox.retry(String(req.params.id), deps.clock().toISOString(), 'servicedesk');
    if (!outcome) {
      throw new AppError({
        code: 'not-found',
        status: 404,
        title: { nb: 'Ikke funnet', nn: 'Ikkje funne', en: 'Not found' },
        detail: { nb: 'Fant ikke meldingen.', nn: 'Fann ikkje meldinga.', en: 'Message not found.' },
      });
    }
    const { record } = outcome;
    if (!outcome.retried) {
      throw new AppError({
        code: 'not-failed',
        status: 409,
        title: { nb: 'Meldingen har ikke feilet', nn: 'Meldinga har ikkje feila', en: 'Message has not failed' },
        detail: {
          nb: `Bare meldinger som har feilet kan sendes på nytt; denne har status «${record.status}».`,
          nn: `Berre meldingar som har feila kan sendast på nytt; denne har status «${record.status}».`,
          en: `Only failed messages can be retried; this one is "${record.status}".`,
        },
      });
    }
    res.json(deliveryView(record));
  });
  return router;
}
