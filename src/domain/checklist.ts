import type { Localized } from './locale.js';
import type { Registration } from './registration.js';

/**
 * The onboarding checklist: which steps apply to an agency and where each stands.
 * A pure function of the registration and of what has happened on the case so far,
 * so the API, the web pages and the PDFs all tell the same story.
 */

export const STEP_IDS = [
  'order-form',
  'digdir-terms',
  'dpv-terms',
  'ks-agreement',
  'certificate',
  'integration-point',
  'dpf-production',
  'dpi',
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** `received`: a complete signed return is in and waits for servicedesk. */
export const STEP_STATUSES = ['todo', 'received', 'done', 'not-applicable', 'blocked'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface ChecklistStep {
  id: StepId;
  title: Localized;
  status: StepStatus;
  reason: Localized;
}

/**
 * Where a step's signed return stands (issue 4), from the newest upload that
 * counts. Servicedesk approval is also recorded as a completion (so it reads as
 * `done` and can be reopened like any other); a rejection sends the step back to
 * `todo` with servicedesk's reason so the agency knows what to fix.
 */
export type ReturnState =
  | { state: 'received'; uploadId: string; at: string }
  | { state: 'approved'; uploadId: string; at: string }
  | { state: 'rejected'; uploadId: string; at: string; reason: string };

/** What has happened on the case; recorded by servicedesk or by later capabilities. */
export interface CaseProgress {
  /** Steps confirmed done, with when. */
  completed: Partial<Record<StepId, { at: string }>>;
  /** When servicedesk confirmed DPO works in production; gates DPF in production. */
  dpoVerifiedAt: string | null;
  /** Signed returns per step (uploads); absent when none. */
  returns?: Partial<Record<StepId, ReturnState>>;
  /** Servicedesk rejected the newest certificate that passed the checks; absent otherwise. */
  certificateRejected?: { at: string; reason: string };
}

export const NO_PROGRESS: CaseProgress = { completed: {}, dpoVerifiedAt: null };

const TITLES: Record<StepId, Localized> = {
  'order-form': {
    nb: 'Bestilling med virksomhetsopplysninger',
    nn: 'Bestilling med verksemdsopplysingar',
    en: 'Order form with the agency details',
  },
  'digdir-terms': {
    nb: 'Digdirs bruksvilkår',
    nn: 'Digdirs bruksvilkår',
    en: "Digdir's terms of use",
  },
  'dpv-terms': {
    nb: 'Bruksvilkår for Altinn DPV',
    nn: 'Bruksvilkår for Altinn DPV',
    en: 'Altinn DPV terms of use',
  },
  'ks-agreement': {
    nb: 'Avtalesett med KS (SvarUt/SvarInn)',
    nn: 'Avtalesett med KS (SvarUt/SvarInn)',
    en: 'KS agreement set (SvarUt/SvarInn)',
  },
  certificate: {
    nb: 'Virksomhetssertifikat',
    nn: 'Verksemdssertifikat',
    en: 'Enterprise certificate (virksomhetssertifikat)',
  },
  'integration-point': {
    nb: 'Integrasjonspunktet',
    nn: 'Integrasjonspunktet',
    en: 'Integration point',
  },
  'dpf-production': {
    nb: 'DPF i produksjon',
    nn: 'DPF i produksjon',
    en: 'DPF in production',
  },
  dpi: {
    nb: 'Digital post til innbyggere (DPI)',
    nn: 'Digital post til innbyggjarar (DPI)',
    en: 'Digital post to citizens (DPI)',
  },
};

type Rule = { status: StepStatus; reason: Localized };

const DONE: Localized = { nb: 'Fullført.', nn: 'Fullført.', en: 'Completed.' };

function rule(registration: Registration, progress: CaseProgress, id: StepId): Rule {
  const { services } = registration;
  const has = (service: string) => services.includes(service as never);
  switch (id) {
    case 'order-form':
      return {
        status: 'todo',
        reason: {
          nb: 'Registreringsopplysningene sendes til servicedesk@digdir.no.',
          nn: 'Registreringsopplysningane blir sende til servicedesk@digdir.no.',
          en: 'The registration details go to servicedesk@digdir.no.',
        },
      };
    case 'digdir-terms':
      return {
        status: 'todo',
        reason: {
          nb: 'Signeres elektronisk (eSignering) av en person som har fullmakt til å signere for virksomheten.',
          nn: 'Blir signert elektronisk (eSignering) av ein person som har fullmakt til å signere for verksemda.',
          en: 'Signed electronically (eSignering) by a person authorised to sign for the agency.',
        },
      };
    case 'dpv-terms':
      if (!has('DPV')) return notChosen('DPV');
      if (registration.altinnServiceOwner) {
        return {
          status: 'not-applicable',
          reason: {
            nb: 'Virksomheten er allerede tjenesteeier i Altinn og trenger ikke signere DPV-vilkårene.',
            nn: 'Verksemda er allereie tenesteeigar i Altinn og treng ikkje signere DPV-vilkåra.',
            en: 'The agency is already an Altinn service owner and need not sign the DPV terms.',
          },
        };
      }
      return {
        status: 'todo',
        reason: {
          nb: 'Skriv ut bruksvilkårene for Altinn DPV, signer, skann og send dem til firmapost@brreg.no.',
          nn: 'Skriv ut bruksvilkåra for Altinn DPV, signer, skann og send dei til firmapost@brreg.no.',
          en: 'Print the Altinn DPV terms, sign, scan and send them to firmapost@brreg.no.',
        },
      };
    case 'ks-agreement': {
      if (!has('DPF')) return notChosen('DPF');
      const base: Localized = {
        nb: 'Avtalesettet kommer fra KS. Signer og returner det til KS med kopi til servicedesk@digdir.no.',
        nn: 'Avtalesettet kjem frå KS. Signer og returner det til KS med kopi til servicedesk@digdir.no.',
        en: 'KS sends the agreement set. Sign it and return it to KS with servicedesk@digdir.no in copy.',
      };
      if (registration.sector !== 'state') return { status: 'todo', reason: base };
      return {
        status: 'todo',
        reason: {
          nb: `${base.nb} Digdir dekker tilknytningsavgiften til KS for statlige virksomheter.`,
          nn: `${base.nn} Digdir dekkjer tilknytingsavgifta til KS for statlege verksemder.`,
          en: `${base.en} Digdir covers the KS connection fee for state agencies.`,
        },
      };
    }
    case 'certificate':
      if (registration.usesEInnsyn) {
        return {
          status: 'not-applicable',
          reason: {
            nb: 'Virksomheten bruker eInnsyn: sertifikatet og integrasjonspunktet brukes om igjen.',
            nn: 'Verksemda brukar eInnsyn: sertifikatet og integrasjonspunktet blir brukte om att.',
            en: 'The agency uses eInnsyn: its certificate and integration point are reused.',
          },
        };
      }
      if (progress.certificateRejected) {
        const { at, reason } = progress.certificateRejected;
        return {
          status: 'todo',
          reason: {
            nb: `Servicedesk avviste sertifikatet dere sendte inn ${day(at)}: «${reason}». Send inn et annet virksomhetssertifikat.`,
            nn: `Servicedesk avviste sertifikatet de sende inn ${day(at)}: «${reason}». Send inn eit anna verksemdssertifikat.`,
            en: `Servicedesk rejected the certificate you submitted on ${day(at)}: "${reason}". Submit another enterprise certificate.`,
          },
        };
      }
      return {
        status: 'todo',
        reason: {
          nb: `Et virksomhetssertifikat fra Buypass eller Commfides for organisasjonsnummer ${registration.organizationNumber}. Den offentlige delen sendes til Digdir.`,
          nn: `Eit verksemdssertifikat frå Buypass eller Commfides for organisasjonsnummer ${registration.organizationNumber}. Den offentlege delen blir send til Digdir.`,
          en: `An enterprise certificate from Buypass or Commfides for organisation number ${registration.organizationNumber}. Its public part goes to Digdir.`,
        },
      };
    case 'integration-point':
      if (registration.usesEInnsyn) {
        return {
          status: 'todo',
          reason: {
            nb: 'Integrasjonspunktet fra eInnsyn finnes allerede; det må bare konfigureres for eFormidling.',
            nn: 'Integrasjonspunktet frå eInnsyn finst allereie; det må berre konfigurerast for eFormidling.',
            en: 'The integration point from eInnsyn already exists; it only needs configuring for eFormidling.',
          },
        };
      }
      return {
        status: 'todo',
        reason: {
          nb: 'Installer og konfigurer integrasjonspunktet.',
          nn: 'Installer og konfigurer integrasjonspunktet.',
          en: 'Install and configure the integration point.',
        },
      };
    case 'dpf-production':
      if (!(has('DPO') && has('DPF'))) {
        return {
          status: 'not-applicable',
          reason: {
            nb: 'Gjelder bare når både DPO og DPF er valgt.',
            nn: 'Gjeld berre når både DPO og DPF er valde.',
            en: 'Only applies when both DPO and DPF are chosen.',
          },
        };
      }
      if (progress.dpoVerifiedAt === null) {
        return {
          status: 'blocked',
          reason: {
            nb: 'Venter på at DPO er verifisert i produksjon: DPO settes i produksjon før DPF.',
            nn: 'Ventar på at DPO er verifisert i produksjon: DPO blir sett i produksjon før DPF.',
            en: 'Waiting for DPO to be verified in production: DPO goes into production before DPF.',
          },
        };
      }
      return {
        status: 'todo',
        reason: {
          nb: 'DPO er verifisert; DPF kan settes i produksjon.',
          nn: 'DPO er verifisert; DPF kan setjast i produksjon.',
          en: 'DPO is verified; DPF can go into production.',
        },
      };
    case 'dpi':
      if (!has('DPI')) return notChosen('DPI');
      return {
        status: 'blocked',
        reason: {
          nb: 'DPI er registrert, men er ikke satt i produksjon ennå. Digdir tar kontakt når det er klart.',
          nn: 'DPI er registrert, men er ikkje sett i produksjon enno. Digdir tek kontakt når det er klart.',
          en: 'DPI is registered but not yet in production. Digdir will get in touch when it is ready.',
        },
      };
  }
}

function notChosen(service: string): Rule {
  return {
    status: 'not-applicable',
    reason: {
      nb: `${service} er ikke valgt.`,
      nn: `${service} er ikkje valt.`,
      en: `${service} is not chosen.`,
    },
  };
}

const day = (iso: string) => iso.slice(0, 10);

/** How a step that is otherwise "todo" reads once a signed return exists for it. */
function withReturn(base: Rule, state: ReturnState | undefined): Rule {
  if (state?.state === 'received') {
    return {
      status: 'received',
      reason: {
        nb: `Signert dokument mottatt ${day(state.at)}. Servicedesk kontrollerer det.`,
        nn: `Signert dokument motteke ${day(state.at)}. Servicedesk kontrollerer det.`,
        en: `Signed document received on ${day(state.at)}. Servicedesk is checking it.`,
      },
    };
  }
  if (state?.state === 'rejected') {
    return {
      status: 'todo',
      reason: {
        nb: `Servicedesk avviste dokumentet dere lastet opp ${day(state.at)}: «${state.reason}». Last opp et nytt signert eksemplar.`,
        nn: `Servicedesk avviste dokumentet de lasta opp ${day(state.at)}: «${state.reason}». Last opp eit nytt signert eksemplar.`,
        en: `Servicedesk rejected the document you uploaded on ${day(state.at)}: "${state.reason}". Upload a new signed copy.`,
      },
    };
  }
  // "approved" is also a completion; approved but not completed means servicedesk
  // reopened the step afterwards, so it is plain "todo" again.
  return base;
}

/** A step's title in every language (for histories and letters that name a step). */
export function stepTitle(id: StepId): Localized {
  return TITLES[id];
}

export function buildChecklist(registration: Registration, progress: CaseProgress = NO_PROGRESS): ChecklistStep[] {
  return STEP_IDS.map((id) => {
    const base = rule(registration, progress, id);
    // A recorded completion wins over "todo" but never over "not applicable" or "blocked":
    // a step that does not apply cannot be done, and a blocked step cannot be skipped.
    // The same holds for a signed return: it only changes a step that is "todo".
    const completed = progress.completed[id];
    const result =
      base.status !== 'todo' ? base : completed ? { status: 'done' as const, reason: DONE } : withReturn(base, progress.returns?.[id]);
    return { id, title: TITLES[id], ...result };
  });
}

/** Steps whose status is one of `statuses`; convenience for callers that gate work. */
export function stepsWithStatus(checklist: readonly ChecklistStep[], ...statuses: StepStatus[]): StepId[] {
  return checklist.filter((step) => statuses.includes(step.status)).map((step) => step.id);
}
