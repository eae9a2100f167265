import { describe, expect, it } from 'vitest';
import { buildChecklist, NO_PROGRESS, type CaseProgress, type StepId, type StepStatus } from '../../src/domain/checklist.js';
import { parseRegistration, type Registration } from '../../src/domain/registration.js';
import { validRegistration } from '../support/fixtures.js';

function registration(overrides: Record<string, unknown>): Registration {
  const services = (overrides.services ?? ['DPO']) as string[];
  const parsed = parseRegistration(
    validRegistration({ dpvIpAddresses: services.includes('DPV') ? ['192.0.2.10'] : undefined, ...overrides }),
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

function statusOf(reg: Registration, step: StepId, progress: CaseProgress = NO_PROGRESS): { status: StepStatus; reason: string } {
  const found = buildChecklist(reg, progress).find((s) => s.id === step)!;
  return { status: found.status, reason: found.reason.en };
}

type Row = [description: string, overrides: Record<string, unknown>, step: StepId, status: StepStatus, reason: RegExp];

const rows: Row[] = [
  ['order form always applies', { services: ['DPO'] }, 'order-form', 'todo', /servicedesk@digdir\.no/],
  ['Digdir terms always apply, via eSignering', { services: ['DPF'] }, 'digdir-terms', 'todo', /eSignering.*authorised/],
  ['DPV terms when DPV is chosen', { services: ['DPV'] }, 'dpv-terms', 'todo', /firmapost@brreg\.no/],
  ['DPV terms not applicable for Altinn service owners', { services: ['DPV'], altinnServiceOwner: true }, 'dpv-terms', 'not-applicable', /service owner/],
  ['DPV terms not applicable without DPV', { services: ['DPO'] }, 'dpv-terms', 'not-applicable', /DPV is not chosen/],
  ['KS agreement when DPF is chosen (municipality)', { services: ['DPF'], sector: 'municipality' }, 'ks-agreement', 'todo', /^(?!.*connection fee).*servicedesk@digdir\.no/],
  ['KS agreement notes the fee for state agencies', { services: ['DPF'], sector: 'state' }, 'ks-agreement', 'todo', /Digdir covers the KS connection fee/],
  ['KS agreement not applicable without DPF', { services: ['DPO', 'DPV'] }, 'ks-agreement', 'not-applicable', /DPF is not chosen/],
  ['certificate needed, for the same org number', { services: ['DPO'] }, 'certificate', 'todo', /Buypass or Commfides.*991825827/],
  ['certificate not applicable for eInnsyn users', { services: ['DPO'], usesEInnsyn: true }, 'certificate', 'not-applicable', /eInnsyn/],
  ['integration point: install and configure', { services: ['DPO'] }, 'integration-point', 'todo', /Install and configure/],
  ['integration point: configure only for eInnsyn users', { services: ['DPO'], usesEInnsyn: true }, 'integration-point', 'todo', /only needs configuring/],
  ['DPF production blocked until DPO verified', { services: ['DPO', 'DPF'] }, 'dpf-production', 'blocked', /DPO goes into production before DPF/],
  ['DPF production not applicable with DPF alone', { services: ['DPF'] }, 'dpf-production', 'not-applicable', /both DPO and DPF/],
  ['DPF production not applicable with DPO alone', { services: ['DPO'] }, 'dpf-production', 'not-applicable', /both DPO and DPF/],
  ['DPI accepted but not yet in production', { services: ['DPI'] }, 'dpi', 'blocked', /not yet in production/],
  ['DPI not applicable when not chosen', { services: ['DPO'] }, 'dpi', 'not-applicable', /DPI is not chosen/],
];

describe('checklist rules', () => {
  it.each(rows)('%s', (_d, overrides, step, status, reason) => {
    const result = statusOf(registration(overrides), step);
    expect(result.status).toBe(status);
    expect(result.reason).toMatch(reason);
  });

  it('DPF production becomes todo once DPO is verified', () => {
    const reg = registration({ services: ['DPO', 'DPF'] });
    expect(statusOf(reg, 'dpf-production', { completed: {}, dpoVerifiedAt: '2026-11-01T10:00:00.000Z' }).status).toBe('todo');
  });

  it('a completed step is done, but never a not-applicable or blocked one', () => {
    const reg = registration({ services: ['DPO', 'DPF'] });
    const progress: CaseProgress = {
      completed: { 'digdir-terms': { at: 'x' }, 'dpv-terms': { at: 'x' }, 'dpf-production': { at: 'x' } },
      dpoVerifiedAt: null,
    };
    expect(statusOf(reg, 'digdir-terms', progress).status).toBe('done');
    expect(statusOf(reg, 'dpv-terms', progress).status).toBe('not-applicable');
    expect(statusOf(reg, 'dpf-production', progress).status).toBe('blocked');
  });

  const rejected = { at: '2026-11-20T10:00:00Z', reason: 'Feil underenhet' };
  it.each<[string, CaseProgress['completed'], StepStatus, RegExp, Record<string, unknown>]>([
    ['rejected by servicedesk, not completed', {}, 'todo', /rejected the certificate you submitted on 2026-11-20: "Feil underenhet"\. Submit another/, {}],
    ['rejected, but servicedesk completed the step by hand', { certificate: { at: '2026-11-21' } }, 'done', /Completed/, {}],
    ['rejected, for an eInnsyn agency', {}, 'not-applicable', /eInnsyn/, { usesEInnsyn: true }],
  ])('certificate %s', (_name, completed, status, reason, overrides) => {
    const progress: CaseProgress = { ...NO_PROGRESS, certificateRejected: rejected, completed };
    const result = statusOf(registration({ services: ['DPO'], ...overrides }), 'certificate', progress);
    expect(result.status).toBe(status);
    expect(result.reason).toMatch(reason);
  });

  it('every step has a title and a reason in nb, nn and en', () => {
    const reg = registration({ services: ['DPO', 'DPV', 'DPF', 'DPI'] });
    for (const step of buildChecklist(reg)) {
      for (const locale of ['nb', 'nn', 'en'] as const) {
        expect(step.title[locale].length, `${step.id} title ${locale}`).toBeGreaterThan(2);
        expect(step.reason[locale].length, `${step.id} reason ${locale}`).toBeGreaterThan(5);
      }
    }
  });

  it('nynorsk reasons are nynorsk, not bokmål', () => {
    const reg = registration({ services: ['DPV'] });
    const dpv = buildChecklist(reg).find((s) => s.id === 'dpv-terms')!;
    expect(dpv.reason.nn).toMatch(/dei/);
    expect(dpv.reason.nb).toMatch(/dem/);
  });
});
