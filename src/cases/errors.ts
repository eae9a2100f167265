import { AppError } from '../domain/app-error.js';
import { validationMessage, type FieldError } from '../domain/registration.js';
import type { Locale } from '../domain/locale.js';

/** The registration broke one or more rules; every field error is reported at once. */
export class ValidationFailedError extends AppError {
  /** `subject`: a registration, or any other request (query parameters, decisions, filters). */
  constructor(
    readonly fieldErrors: FieldError[],
    subject: 'registration' | 'request' = 'registration',
  ) {
    const n = fieldErrors.length;
    super({
      code: 'validation-failed',
      status: 400,
      title: { nb: 'Ugyldige opplysninger', nn: 'Ugyldige opplysningar', en: 'Invalid data' },
      detail:
        subject === 'registration'
          ? {
              nb: `Registreringen har ${n} feil. Rett feltene som er listet i «errors» og send på nytt.`,
              nn: `Registreringa har ${n} feil. Rett felta som er lista i «errors» og send på nytt.`,
              en: `The registration has ${n} error(s). Correct the fields listed in "errors" and send it again.`,
            }
          : {
              nb: `Forespørselen har ${n} feil. Rett parameterne eller feltene som er listet i «errors» og prøv igjen.`,
              nn: `Førespurnaden har ${n} feil. Rett parametrane eller felta som er lista i «errors» og prøv igjen.`,
              en: `The request has ${n} error(s). Correct the parameters or fields listed in "errors" and try again.`,
            },
    });
  }

  localizedErrors(locale: Locale) {
    return this.fieldErrors.map((error) => ({ path: error.path, code: error.code, message: validationMessage(error, locale) }));
  }
}

export function duplicateOpenCase(existingId: string): AppError {
  return new AppError({
    code: 'case-exists',
    status: 409,
    title: { nb: 'Saken finnes allerede', nn: 'Saka finst allereie', en: 'Case already exists' },
    detail: {
      nb: `Det finnes allerede en åpen sak for dette organisasjonsnummeret i dette miljøet (${existingId}). Bruk lenken dere fikk da saken ble opprettet, eller kontakt servicedesk@digdir.no.`,
      nn: `Det finst allereie ei open sak for dette organisasjonsnummeret i dette miljøet (${existingId}). Bruk lenkja de fekk då saka vart oppretta, eller kontakt servicedesk@digdir.no.`,
      en: `An open case already exists for this organisation number in this environment (${existingId}). Use the link you got when it was created, or contact servicedesk@digdir.no.`,
    },
    extensions: { existingCaseId: existingId },
  });
}

export function caseClosed(): AppError {
  return new AppError({
    code: 'case-closed',
    status: 409,
    title: { nb: 'Saken er avsluttet', nn: 'Saka er avslutta', en: 'Case is closed' },
    detail: {
      nb: 'Saken er avsluttet og kan ikke endres. Registrer en ny sak om dere skal starte på nytt.',
      nn: 'Saka er avslutta og kan ikkje endrast. Registrer ei ny sak om de skal starte på nytt.',
      en: 'The case is closed and cannot be changed. Register a new case to start again.',
    },
  });
}

export function stepNotCompletable(step: string, status: string): AppError {
  return new AppError({
    code: 'step-not-completable',
    status: 409,
    title: { nb: 'Steget kan ikke fullføres', nn: 'Steget kan ikkje fullførast', en: 'Step cannot be completed' },
    detail: {
      nb: `Steget «${step}» har status «${status}» og kan ikke markeres som fullført.`,
      nn: `Steget «${step}» har status «${status}» og kan ikkje markerast som fullført.`,
      en: `Step "${step}" has status "${status}" and cannot be marked as done.`,
    },
  });
}
