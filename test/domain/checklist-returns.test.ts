import { describe, expect, it } from 'vitest';
import { buildChecklist, type CaseProgress, type ReturnState, type StepId } from '../../src/domain/checklist.js';
import { stepForTemplate, TEMPLATE_STEPS } from '../../src/domain/document-steps.js';
import { parseRegistration, type Registration } from '../../src/domain/registration.js';
import { returnStates, type ReturnRecord } from '../../src/domain/return-state.js';
import { validRegistration } from '../support/fixtures.js';

function registration(overrides: Record<string, unknown> = {}): Registration {
  const parsed = parseRegistration(validRegistration(overrides));
  if (!parsed.ok) throw new Error('fixture invalid');
  return parsed.value;
}

const received = (at = '2026-03-01T10:00:00.000Z'): ReturnState => ({ state: 'received', uploadId: 'u1', at });
const approved: ReturnState = { state: 'approved', uploadId: 'u1', at: '2026-03-02T10:00:00.000Z' };
const rejected: ReturnState = { state: 'rejected', uploadId: 'u1', at: '2026-03-02T10:00:00.000Z', reason: 'Signaturen mangler på side 2' };

describe('checklist with signed returns', () => {
  const cases: Array<{ name: string; step: StepId; registration?: Record<string, unknown>; progress: Partial<CaseProgress>; status: string; reason?: RegExp }> = [
    { name: 'no return: todo', step: 'dpv-terms', progress: {}, status: 'todo' },
    { name: 'complete return in: received', step: 'dpv-terms', progress: { returns: { 'dpv-terms': received() } }, status: 'received', reason: /mottatt 2026-03-01/ },
    { name: 'rejected: todo with the reason', step: 'dpv-terms', progress: { returns: { 'dpv-terms': rejected } }, status: 'todo', reason: /Signaturen mangler på side 2/ },
    { name: 'approved and completed: done', step: 'dpv-terms', progress: { completed: { 'dpv-terms': { at: approved.at } }, returns: { 'dpv-terms': approved } }, status: 'done' },
    { name: 'approved, then reopened by servicedesk: todo', step: 'dpv-terms', progress: { returns: { 'dpv-terms': approved } }, status: 'todo' },
    { name: 'completed wins over a later received', step: 'order-form', progress: { completed: { 'order-form': { at: '2026-01-01' } }, returns: { 'order-form': received() } }, status: 'done' },
    { name: 'not applicable stays not applicable', step: 'dpv-terms', registration: { altinnServiceOwner: true }, progress: { returns: { 'dpv-terms': received() } }, status: 'not-applicable' },
    { name: 'a return for KS does not unblock DPF production', step: 'dpf-production', progress: { returns: { 'dpf-production': received() } }, status: 'blocked' },
    { name: 'KS agreement received', step: 'ks-agreement', progress: { returns: { 'ks-agreement': received() } }, status: 'received' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const progress: CaseProgress = { completed: {}, dpoVerifiedAt: null, ...c.progress };
      const step = buildChecklist(registration(c.registration), progress).find((s) => s.id === c.step)!;
      expect(step.status).toBe(c.status);
      if (c.reason) {
        expect(step.reason.nb).toMatch(c.reason);
        expect(step.reason.en.length).toBeGreaterThan(10);
        expect(step.reason.nn.length).toBeGreaterThan(10);
      }
    });
  }

  it('a case without any return reads exactly as before (returns is optional)', () => {
    const withEmpty = buildChecklist(registration(), { completed: {}, dpoVerifiedAt: null, returns: {} });
    const without = buildChecklist(registration(), { completed: {}, dpoVerifiedAt: null });
    expect(withEmpty).toEqual(without);
  });
});

describe('which step a template serves', () => {
  it.each([
    ['order-form', 'order-form'],
    ['dpv-terms', 'dpv-terms'],
    ['ks-cover-letter', 'ks-agreement'],
    ['something-else', null],
    ['constructor', null],
  ])('%s → %s', (template, step) => {
    expect(stepForTemplate(template)).toBe(step);
  });
  it('maps only to real steps', () => {
    const steps = buildChecklist(registration()).map((s) => s.id);
    for (const step of Object.values(TEMPLATE_STEPS)) expect(steps).toContain(step);
  });
});

describe('return state from uploads', () => {
  const base = (over: Partial<ReturnRecord>): ReturnRecord => ({ uploadId: 'a', stepId: 'dpv-terms', status: 'complete', createdAt: '2026-03-01T10:00:00Z', decision: null, ...over });
  const cases: Array<{ name: string; records: ReturnRecord[]; expected: Partial<Record<StepId, Partial<ReturnState>>> }> = [
    { name: 'nothing uploaded', records: [], expected: {} },
    { name: 'complete, undecided: received', records: [base({})], expected: { 'dpv-terms': { state: 'received', uploadId: 'a' } } },
    { name: 'incomplete, undecided: does not count', records: [base({ status: 'incomplete' })], expected: {} },
    { name: 'unmatched without a step: does not count', records: [base({ status: 'unmatched', stepId: null })], expected: {} },
    {
      name: 'unmatched but approved after manual review: approved',
      records: [base({ status: 'unmatched', decision: { outcome: 'approved', reason: '', at: '2026-03-03T00:00:00Z' } })],
      expected: { 'dpv-terms': { state: 'approved' } },
    },
    {
      name: 'rejected, then a new complete one: received again',
      records: [
        base({ uploadId: 'a', decision: { outcome: 'rejected', reason: 'unsigned', at: '2026-03-02T00:00:00Z' } }),
        base({ uploadId: 'b', createdAt: '2026-03-04T00:00:00Z' }),
      ],
      expected: { 'dpv-terms': { state: 'received', uploadId: 'b' } },
    },
    {
      name: 'rejected, then an incomplete one: the rejection still shows',
      records: [
        base({ uploadId: 'a', decision: { outcome: 'rejected', reason: 'unsigned', at: '2026-03-02T00:00:00Z' } }),
        base({ uploadId: 'b', status: 'incomplete', createdAt: '2026-03-04T00:00:00Z' }),
      ],
      expected: { 'dpv-terms': { state: 'rejected', uploadId: 'a', reason: 'unsigned' } as Partial<ReturnState> },
    },
    {
      name: 'steps are independent',
      records: [base({ uploadId: 'a' }), base({ uploadId: 'b', stepId: 'order-form', decision: { outcome: 'rejected', reason: 'x', at: '2026-03-02T00:00:00Z' } })],
      expected: { 'dpv-terms': { state: 'received' }, 'order-form': { state: 'rejected' } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const states = returnStates(c.records);
      expect(Object.keys(states).sort()).toEqual(Object.keys(c.expected).sort());
      for (const [step, expected] of Object.entries(c.expected)) expect(states[step as StepId]).toMatchObject(expected!);
    });
  }
});
