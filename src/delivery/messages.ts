import type { Registration } from '../domain/registration.js';
import type { OutboxMessage } from './outbox.js';

/**
 * The letters the paper process used to send by hand. The recipients are
 * Norwegian offices, so the text is bokmål with a short English summary; every
 * letter names the case so a reply can find its way back.
 */
export interface Recipients {
  servicedesk: string;
  altinn: string;
  ks: string;
}

function agencyLine(r: Registration): string {
  return `${r.names.nb} (${r.names.acronym}), org.nr. ${r.organizationNumber}`;
}

function contactBlock(r: Registration): string {
  const c = (label: string, p: { name: string; email: string; mobile: string }) => `${label}: ${p.name}, ${p.email}, ${p.mobile}`;
  return [c('Teknisk kontakt', r.technicalContact), c('Arkivfaglig kontakt', r.archiveContact), c('Varslingspunkt', r.notificationContact)].join('\n');
}

export function orderFormMessage(r: Registration, caseId: string, to: Recipients): OutboxMessage {
  return {
    to: [to.servicedesk],
    cc: [],
    subject: `Bestilling eFormidling: ${r.names.nb} (${r.organizationNumber}) – ${r.environment === 'production' ? 'produksjon' : 'test'}`,
    text: [
      `Ny bestilling av eFormidling fra ${agencyLine(r)}.`,
      `Miljø: ${r.environment === 'production' ? 'produksjon' : 'test'}. Tjenester: ${r.services.join(', ')}.`,
      `Sak: ${caseId}`,
      '',
      contactBlock(r),
      '',
      'Bestillingsskjemaet med alle opplysningene ligger vedlagt som PDF.',
      '',
      `English: new eFormidling order from ${r.names.en}; the order form is attached. Case ${caseId}.`,
    ].join('\n'),
    attachments: [{ fileName: `bestilling-${r.organizationNumber}.pdf`, contentType: 'application/pdf', source: { document: { templateId: 'order-form', locale: 'nb' } } }],
  };
}

export function dpvTermsMessage(r: Registration, caseId: string, uploadSha256: string, to: Recipients): OutboxMessage {
  return {
    to: [to.altinn],
    cc: [to.servicedesk],
    subject: `Signerte bruksvilkår for Altinn DPV – ${r.names.nb} (${r.organizationNumber})`,
    text: [
      `Vedlagt er bruksvilkårene for Digital post til virksomheter (DPV), signert for ${agencyLine(r)}.`,
      `Sak hos eFormidling: ${caseId}. Kopi til Digdirs servicedesk.`,
      '',
      `English: the signed Altinn DPV terms of ${r.names.en} are attached.`,
    ].join('\n'),
    attachments: [{ fileName: `dpv-bruksvilkar-${r.organizationNumber}.pdf`, contentType: 'application/pdf', source: { blob: uploadSha256 } }],
  };
}

export function ksAgreementMessage(r: Registration, caseId: string, uploadSha256: string, to: Recipients): OutboxMessage {
  return {
    to: [to.ks],
    cc: [to.servicedesk],
    subject: `Signert avtalesett KS SvarUt/SvarInn – ${r.names.nb} (${r.organizationNumber})`,
    text: [
      `Vedlagt er avtalesettet for KS SvarUt/SvarInn (avtale og bilag 1–7 i én PDF), signert for ${agencyLine(r)}.`,
      `Bilag 4 navngir lokal administrator. Arkivfaglig kontakt: ${r.archiveContact.name}, ${r.archiveContact.email}.`,
      r.sector === 'state' ? 'Virksomheten er statlig: Digdir dekker tilknytningsavgiften.' : '',
      `Sak hos eFormidling: ${caseId}. Kopi til Digdirs servicedesk.`,
      '',
      `English: the signed KS agreement set of ${r.names.en} is attached.`,
    ]
      .filter((line, i, all) => line !== '' || all[i - 1] !== '')
      .join('\n'),
    attachments: [{ fileName: `ks-avtalesett-${r.organizationNumber}.pdf`, contentType: 'application/pdf', source: { blob: uploadSha256 } }],
  };
}

export function certificateMessage(r: Registration, caseId: string, submissionId: string, fingerprint: string, to: Recipients): OutboxMessage {
  return {
    to: [to.servicedesk],
    cc: [],
    subject: `Virksomhetssertifikat (offentlig del) – ${r.names.nb} (${r.organizationNumber}) – ${r.environment === 'production' ? 'produksjon' : 'test'}`,
    text: [
      `Vedlagt er den offentlige delen av virksomhetssertifikatet til ${agencyLine(r)}, zippet som .cer.`,
      `Sertifikatet er kontrollert og godkjent av eFormidling onboarding. SHA-256: ${fingerprint}`,
      `Sak: ${caseId}`,
      '',
      `English: the public part of ${r.names.en}'s enterprise certificate is attached (zipped .cer); it passed every check.`,
    ].join('\n'),
    attachments: [
      {
        fileName: `virksomhetssertifikat-${r.organizationNumber}.zip`,
        contentType: 'application/zip',
        source: { zipOfCertificate: { submissionId, entryName: `${r.organizationNumber}.cer` } },
      },
    ],
  };
}
