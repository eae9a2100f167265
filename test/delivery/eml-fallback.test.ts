import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { quietCase } from './quiet-case.js';
import { header } from './smtp-harness.js';

/**
 * Without SMTP_URL every letter becomes DATA_DIR/outbox/<Message-ID>.eml. When
 * the worker goes over the same message twice (it wrote the file, then died
 * before marking the message sent, and its lease ran out), the second pass
 * replaces the file instead of leaving a second copy of the letter.
 */

let service: TestService;
let outboxDir: string;

beforeAll(async () => {
  service = await startTestService({ env: { DELIVERY_BASE_DELAY_MS: '0' } });
  outboxDir = path.join(service.testDatabase.dataDir, 'outbox');
});
afterAll(async () => {
  await service?.dispose();
});

const emlFiles = () => readdirSync(outboxDir).filter((f) => f.endsWith('.eml')).sort();

describe('.eml fallback', () => {
  it('writes one file per Message-ID even when the worker sends the same message twice', async () => {
    expect(service.delivery.mailer.describe).toBe(`file:${outboxDir}`);
    const kase = await quietCase(service);
    const at = new Date().toISOString();
    const dpvBlob = await service.blobs.putBuffer(Buffer.from(`%PDF-1.7\n% DPV ${kase.id}\n%%EOF\n`));
    const ksBlob = await service.blobs.putBuffer(Buffer.from(`%PDF-1.7\n% KS ${kase.id}\n%%EOF\n`));
    await service.database.db.transaction().execute(async (trx) => {
      await service.delivery.enqueueReturn(trx, { caseId: kase.id, step: 'dpv-terms', uploadId: 'u-dpv', uploadSha256: dpvBlob.sha256, registration: kase.registration, at });
      await service.delivery.enqueueReturn(trx, { caseId: kase.id, step: 'ks-agreement', uploadId: 'u-ks', uploadSha256: ksBlob.sha256, registration: kase.registration, at });
    });

    expect(await service.delivery.worker.runOnce()).toBe(2);
    const letters = await service.delivery.outbox.listForCase(kase.id);
    expect(letters.map((m) => m.status)).toEqual(['sent', 'sent']);
    const nameOf = (id: string) => `${id}@efm-onboarding.invalid.eml`;
    expect(emlFiles()).toEqual(letters.map((m) => nameOf(m.id)).sort());

    const dpv = letters.find((m) => m.kind === 'dpv-terms')!;
    const dpvFile = path.join(outboxDir, nameOf(dpv.id));
    const first = readFileSync(dpvFile, 'utf8');
    expect(header(first, 'Message-ID')).toBe(`<${dpv.id}@efm-onboarding.invalid>`);
    const firstInode = statSync(dpvFile).ino;

    // The worker that sent it "died" before recording the send: the message is
    // still claimed ('sending') and its lease has run out, so the next pass takes it again.
    const expired = new Date(Date.now() - 60_000).toISOString();
    await service.database.db.updateTable('outbox_messages').set({ status: 'sending', claimed_until: expired, sent_at: null }).where('id', '=', dpv.id).execute();

    expect(await service.delivery.worker.runOnce()).toBe(1);
    // The file was written again (a new file renamed over the old one) ...
    expect(statSync(dpvFile).ino).not.toBe(firstInode);
    // ... and there is still exactly one file per Message-ID, no temp file left behind.
    expect(emlFiles()).toEqual(letters.map((m) => nameOf(m.id)).sort());
    expect(readdirSync(outboxDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const second = readFileSync(dpvFile, 'utf8');
    expect(header(second, 'Message-ID')).toBe(header(first, 'Message-ID'));
    expect(header(second, 'Date')).toBe(header(first, 'Date'));
    expect(header(second, 'To')).toBe('firmapost@brreg.no');
    expect(await service.delivery.outbox.findById(dpv.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
