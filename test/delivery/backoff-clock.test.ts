import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { quietCase } from './quiet-case.js';
import { startSmtpHarness, type SmtpHarness } from './smtp-harness.js';

/**
 * The worker honours the retry time it wrote: with DELIVERY_BASE_DELAY_MS=1000
 * and the service's clock in the test's hand, a refused letter is not tried
 * again a millisecond early, is tried at its retry time, and the next delay is
 * twice the first.
 */

const T0 = new Date('2026-11-26T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

let now = T0;
let smtp: SmtpHarness;
let service: TestService;

beforeAll(async () => {
  smtp = await startSmtpHarness();
  service = await startTestService({
    clock: () => now,
    env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, DELIVERY_BASE_DELAY_MS: '1000', DELIVERY_MAX_DELAY_MS: '60000', DELIVERY_MAX_ATTEMPTS: '5' },
  });
});
afterAll(async () => {
  await service?.dispose();
  await smtp?.close();
});

describe('exponential backoff in the worker', () => {
  it('waits 1 s after the first refusal and 2 s after the second, then delivers', async () => {
    // Attempts 1 and 2 get a 451, attempt 3 is accepted.
    smtp.behaviour = (attempt) => (attempt <= 2 ? 'refuse' : 'accept');
    const kase = await quietCase(service, {}, T0);
    const blob = await service.blobs.putBuffer(Buffer.from(`%PDF-1.7\n% signed DPV terms ${kase.id}\n%%EOF\n`));
    await service.database.db
      .transaction()
      .execute((trx) =>
        service.delivery.enqueueReturn(trx, { caseId: kase.id, step: 'dpv-terms', uploadId: 'u-backoff', uploadSha256: blob.sha256, registration: kase.registration, at: T0.toISOString() }),
      );
    const letter = async () => (await service.delivery.outbox.listForCase(kase.id)).find((m) => m.kind === 'dpv-terms')!;
    const run = async (ms: number) => {
      now = at(ms);
      return service.delivery.worker.runOnce();
    };

    // Attempt 1 at T0: refused, retry at T0 + 1000 ms.
    expect(await run(0)).toBe(1);
    expect(smtp.attempts).toBe(1);
    let record = await letter();
    expect(record).toMatchObject({ status: 'pending', attempts: 1 });
    expect(record.lastError).toMatch(/451|Try again later/);
    expect(new Date(record.nextAttemptAt).getTime() - T0.getTime()).toBe(1000);

    // Not before its retry time.
    expect(await run(999)).toBe(0);
    expect(smtp.attempts).toBe(1);
    expect(await letter()).toMatchObject({ status: 'pending', attempts: 1 });

    // At its retry time: attempt 2, refused again; the delay doubles to 2000 ms.
    expect(await run(1000)).toBe(1);
    expect(smtp.attempts).toBe(2);
    record = await letter();
    expect(record).toMatchObject({ status: 'pending', attempts: 2 });
    expect(new Date(record.nextAttemptAt).getTime() - at(1000).getTime()).toBe(2000);

    // Still waiting one millisecond before T0 + 3000 ms (the undoubled delay would have been due at T0 + 2000 ms).
    expect(await run(2000)).toBe(0);
    expect(await run(2999)).toBe(0);
    expect(smtp.attempts).toBe(2);

    // Attempt 3 at its retry time is accepted.
    expect(await run(3000)).toBe(1);
    expect(smtp.attempts).toBe(3);
    expect(smtp.received.filter((m) => m.raw.replace(/=\r?\n/g, '').includes(kase.id))).toHaveLength(1);
    record = await letter();
    expect(record).toMatchObject({ status: 'sent', attempts: 3, sentAt: at(3000).toISOString() });

    // Nothing more to do afterwards, however late.
    expect(await run(3_600_000)).toBe(0);
    expect(smtp.attempts).toBe(3);
  });
});
