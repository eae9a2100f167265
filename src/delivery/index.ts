import { buffer } from 'node:stream/consumers';
import { zipSync } from 'fflate';
import type { Kysely } from 'kysely';
import { appendCaseEvent } from '../audit/event-log.js';
import type { Config } from '../config.js';
import type { Registration } from '../domain/registration.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Database } from '../storage/schema.js';
import { createMailer, type Mailer } from './mailer.js';
import { certificateMessage, dpvTermsMessage, ksAgreementMessage, orderFormMessage } from './messages.js';
import { createOutboxRepository, enqueueMessage, type AttachmentSource, type OutboxRepository } from './outbox.js';
import { createDeliveryWorker, type DeliveryWorker } from './worker.js';

export interface Delivery {
  outbox: OutboxRepository;
  worker: DeliveryWorker;
  mailer: Mailer;
  /** True when returns go out only after servicedesk approval. */
  afterApproval: boolean;
  /** Queue the order form to servicedesk, inside the registration's transaction. */
  onRegistered(trx: Kysely<Database>, caseId: string, registration: Registration, at: string): Promise<void>;
  /** Queue a signed return (DPV terms or KS set) inside the transaction that received or approved it. */
  enqueueReturn(trx: Kysely<Database>, input: { caseId: string; step: 'dpv-terms' | 'ks-agreement'; uploadId: string; uploadSha256: string; registration: Registration; at: string }): Promise<void>;
  /** Queue the accepted certificate, zipped, to servicedesk. */
  enqueueCertificate(trx: Kysely<Database>, input: { caseId: string; submissionId: string; sha256: string; registration: Registration; at: string }): Promise<void>;
  close(): Promise<void>;
}

export interface DeliveryDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  config: Config['delivery'];
  clock: () => Date;
  logger: Logger;
  metrics: Metrics;
  /** Renders an issued document for the case (the documents capability). */
  renderDocument?: (caseId: string, templateId: string, locale: 'nb' | 'nn' | 'en') => Promise<Buffer>;
}

export function createDelivery(deps: DeliveryDeps): Delivery {
  const outbox = createOutboxRepository(deps.db);
  const mailer = createMailer({ smtpUrl: deps.config.smtpUrl, outboxDir: deps.config.outboxDir });
  const recipients = deps.config.recipients;
  const domain = /@([^>\s]+)>?$/.exec(deps.config.from)?.[1] ?? 'efm-onboarding.invalid';

  async function resolveAttachment(caseId: string, source: AttachmentSource): Promise<Buffer> {
    if ('blob' in source) return buffer(deps.blobs.read(source.blob));
    if ('zipOfCertificate' in source) {
      const row = await deps.db
        .selectFrom('certificate_submissions')
        .select('certificate_pem')
        .where('id', '=', source.zipOfCertificate.submissionId)
        .executeTakeFirst();
      if (!row) throw new Error(`certificate submission ${source.zipOfCertificate.submissionId} not found`);
      const der = Buffer.from(row.certificate_pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      // Fixed mtime: the same certificate always zips to the same bytes.
      return Buffer.from(zipSync({ [source.zipOfCertificate.entryName]: [new Uint8Array(der), { mtime: new Date('2020-01-01T00:00:00Z') }] }));
    }
    if (!deps.renderDocument) throw new Error(`document rendering is not available for ${source.document.templateId}`);
    return deps.renderDocument(caseId, source.document.templateId, source.document.locale);
  }

  const worker = createDeliveryWorker({
    outbox,
    mailer,
    resolveAttachment,
    clock: deps.clock,
    logger: deps.logger,
    policy: {
      from: deps.config.from,
      messageIdDomain: domain,
      maxAttempts: deps.config.maxAttempts,
      baseDelayMs: deps.config.baseDelayMs,
      maxDelayMs: deps.config.maxDelayMs,
      pollIntervalMs: deps.config.pollIntervalMs,
      leaseMs: 5 * 60_000,
    },
    async onSent(record, trx) {
      // The order form step is done when servicedesk has it.
      if (record.kind !== 'order-form') return;
      const at = deps.clock().toISOString();
      const inserted = await trx
        .insertInto('step_completions')
        .values({ case_id: record.caseId, step_id: 'order-form', completed_at: at, actor: 'system', note: null })
        .onConflict((oc) => oc.columns(['case_id', 'step_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
        await appendCaseEvent(trx, { caseId: record.caseId, type: 'step.completed', actor: 'system', at, data: { step: 'order-form' } });
      }
    },
    onParked: (record) => deps.metrics.messagesParked.inc({ kind: record.kind }),
    onSentMetric: (record) => deps.metrics.messagesSent.inc({ kind: record.kind }),
  });

  return {
    outbox,
    worker,
    mailer,
    afterApproval: deps.config.afterApproval,
    async onRegistered(trx, caseId, registration, at) {
      await enqueueMessage(trx, { eventKey: `${caseId}:order-form`, caseId, kind: 'order-form', message: orderFormMessage(registration, caseId, recipients), at });
    },
    async enqueueReturn(trx, input) {
      const message =
        input.step === 'dpv-terms'
          ? dpvTermsMessage(input.registration, input.caseId, input.uploadSha256, recipients)
          : ksAgreementMessage(input.registration, input.caseId, input.uploadSha256, recipients);
      await enqueueMessage(trx, { eventKey: `${input.caseId}:${input.step}:${input.uploadId}`, caseId: input.caseId, kind: input.step, message, at: input.at });
    },
    async enqueueCertificate(trx, input) {
      await enqueueMessage(trx, {
        eventKey: `${input.caseId}:certificate:${input.submissionId}`,
        caseId: input.caseId,
        kind: 'certificate',
        message: certificateMessage(input.registration, input.caseId, input.submissionId, input.sha256, recipients),
        at: input.at,
      });
    },
    async close() {
      await worker.stop();
      mailer.close();
    },
  };
}
