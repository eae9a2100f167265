import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from '@cantoo/pdf-lib';
import { verifyChain } from '../audit/chain.js';
import { readAuditTrail } from '../audit/event-log.js';
import { checklistOf } from '../cases/case-view.js';
import { assetsDir } from '../documents/documents.js';
import { finishDocument, registerFontkit, STAMP } from '../documents/pdf-finish.js';
import { newDocumentId } from '../documents/reference.js';
import type { CaseRecord } from '../storage/case-repository.js';
import type { CertificateRepository } from '../storage/certificate-repository.js';
import type { DatabaseHandle } from '../storage/database.js';
import type { IssuedDocumentRepository } from '../storage/issued-document-repository.js';
import type { UploadRepository } from '../storage/upload-repository.js';
import { sealPdf } from './pades.js';
import type { SealKey } from './seal-key.js';

/**
 * The receipt: a sealed PDF/A-2b summary of a case that an agency can file in its
 * archive and anyone can check later. It holds the case facts, the checklist,
 * the SHA-256 of every artefact (issued documents, uploads, certificates) and
 * the whole hash-chained audit trail with its verification result, and it is
 * sealed (PAdES B-B) so a one-byte change is detected. With the development
 * seal the first line says so plainly.
 */
export interface ReceiptDeps {
  database: DatabaseHandle;
  issuedDocuments: IssuedDocumentRepository;
  uploads: UploadRepository;
  certificates: CertificateRepository;
  macKey: Buffer;
  seal: () => Promise<SealKey>;
  clock: () => Date;
}

const MM = 72 / 25.4;
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { left: 20 * MM, right: 20 * MM, top: 20 * MM, bottom: STAMP.bottom + STAMP.qrSize + 10 * MM };

/** A minimal text flow: wraps lines and starts new pages, leaving the stamp area free. */
class Writer {
  private page: PDFPage;
  private y: number;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN.top;
  }
  private ensure(height: number) {
    if (this.y - height < MARGIN.bottom) {
      this.page = this.doc.addPage([PAGE.width, PAGE.height]);
      this.y = PAGE.height - MARGIN.top;
    }
  }
  text(content: string, options: { size?: number; bold?: boolean; color?: [number, number, number]; gap?: number } = {}) {
    const size = options.size ?? 9.5;
    const font = options.bold ? this.bold : this.font;
    const width = PAGE.width - MARGIN.left - MARGIN.right;
    const words = content.split(/\s+/);
    const lines: string[] = [];
    let line = '';
    for (const word of words) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) line = candidate;
      else {
        if (line) lines.push(line);
        // A single word longer than the line (a hash) is cut where it must be.
        let rest = word;
        while (font.widthOfTextAtSize(rest, size) > width) {
          let cut = rest.length;
          while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
          lines.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest;
      }
    }
    if (line) lines.push(line);
    for (const l of lines) {
      this.ensure(size * 1.35);
      this.page.drawText(l, { x: MARGIN.left, y: this.y - size, size, font, color: rgb(...(options.color ?? [0, 0, 0])) });
      this.y -= size * 1.35;
    }
    this.y -= options.gap ?? 0;
  }
  heading(content: string) {
    this.ensure(40);
    this.y -= 6;
    this.text(content, { size: 12.5, bold: true, gap: 2 });
  }
}

export async function buildReceipt(deps: ReceiptDeps, record: CaseRecord): Promise<Buffer> {
  const now = deps.clock();
  const seal = await deps.seal();
  const [trail, issued, uploads, certificates] = await Promise.all([
    readAuditTrail(deps.database.db, record.id),
    deps.issuedDocuments.listForCase(record.id),
    deps.uploads.listForCase(record.id),
    deps.certificates.listForCase(record.id),
  ]);
  const verdict = verifyChain(trail.entries, trail.head);
  const r = record.registration;

  const assets = assetsDir();
  const fontBytes = readFileSync(path.join(assets, 'fonts', 'DejaVuSans.ttf'));
  const doc = await PDFDocument.create({ updateMetadata: false });
  registerFontkit(doc);
  const font = await doc.embedFont(fontBytes, { subset: true });
  const bold = await doc.embedFont(readFileSync(path.join(assets, 'fonts', 'DejaVuSans-Bold.ttf')), { subset: true });
  const w = new Writer(doc, font, bold);

  if (seal.development) {
    w.text('UTVIKLINGSSEGL – IKKJE TIL PRODUKSJON / DEVELOPMENT SEAL – NOT FOR PRODUCTION', { bold: true, color: [0.69, 0, 0.13] });
    w.text(
      'Denne kvitteringen er forseglet med et selvsignert utviklingssertifikat. Seglet viser at innholdet ikke er endret, men ikke hvem som står bak. / This receipt is sealed with a self-signed development certificate: it shows the content is unchanged, not who issued it.',
      { size: 8.5, gap: 4 },
    );
  }
  w.text(`Kvittering for onboarding til eFormidling`, { size: 17, bold: true, gap: 2 });
  w.text(`Receipt for eFormidling onboarding`, { size: 11, color: [0.3, 0.3, 0.3], gap: 6 });
  w.text(`${r.names.nb} (${r.names.acronym}) · org.nr. ${r.organizationNumber} · miljø/environment: ${r.environment}`, { bold: true });
  w.text(`Sak/case: ${record.id} · status: ${record.status} · registrert/registered: ${record.createdAt}`);
  w.text(`Utstedt/issued: ${now.toISOString()} · tjenester/services: ${r.services.join(', ')}`, { gap: 4 });

  w.heading('Sjekkliste / Checklist');
  for (const step of checklistOf(record)) w.text(`• ${step.title.nb} — ${step.status}: ${step.reason.nb}`);

  w.heading('Artefakter (SHA-256) / Artefacts');
  if (issued.length === 0 && uploads.length === 0 && certificates.length === 0) w.text('Ingen ennå. / None yet.');
  for (const d of issued) w.text(`Utstedt dokument ${d.id} (${d.templateId} v${d.templateVersion}, ${d.locale}, ${d.pageCount} s.): ${d.sha256}`);
  for (const u of uploads) {
    w.text(`Opplasting ${u.id} (${u.analysis.status}${u.decision ? `, ${u.decision.outcome}` : ''}${u.analysis.document ? `, ${u.analysis.document.kind}` : ''}): fil ${u.sha256}; PDF ${u.pdfSha256}`);
  }
  for (const c of certificates) w.text(`Sertifikat ${c.id} (${c.verdict}, ${c.certificate.subject}): ${c.sha256}`);

  w.heading('Revisjonsspor / Audit trail');
  w.text(
    verdict.ok
      ? `Kjeden er intakt: ${verdict.entries} hendelser, siste hash ${verdict.head}. / The chain verifies.`
      : `KJEDEN ER BRUTT: ${verdict.problems.length} avvik. / THE CHAIN IS BROKEN.`,
    { bold: true, gap: 2 },
  );
  for (const e of trail.entries) {
    w.text(`${e.seq}. ${e.at} ${e.type} (${e.actor})${e.artefactSha256 ? ` artefakt ${e.artefactSha256}` : ''}`, { size: 8.5 });
    w.text(`   hash ${e.hash} ← ${e.prevHash}`, { size: 7, color: [0.35, 0.35, 0.35] });
  }
  w.heading('Segl / Seal');
  w.text(`Forseglet av / sealed by: ${seal.subject}. PAdES B-B (ETSI.CAdES.detached). Kontroller med / verify with: pdfsig, Adobe Reader, or openssl cms -verify.`);

  const finished = await finishDocument(doc, {
    documentId: newDocumentId(),
    caseId: record.id,
    templateId: 'receipt',
    templateVersion: 1,
    locale: 'nb',
    title: `Kvittering eFormidling – ${r.names.nb}`,
    author: r.names.nb,
    subject: `Onboarding-kvittering for ${r.organizationNumber}`,
    keywords: ['eFormidling', 'kvittering', r.organizationNumber, record.id],
    date: now,
    macKey: deps.macKey,
    font: fontBytes,
    iccProfile: readFileSync(path.join(assets, 'icc', 'sRGB.icc')),
    producer: 'efm-onboarding',
    caseLine: `Sak ${record.id}`,
  });
  return sealPdf(finished.bytes, seal, { reason: 'Kvittering fra eFormidling onboarding', location: 'efm-onboarding', signingTime: now });
}
