import type { StepId } from './checklist.js';

/**
 * Which checklist step a returned document serves, by the template it was issued
 * from. The one place that knows this: the documents capability names templates,
 * the checklist names steps, and a signed return moves the step of its template.
 * Template ids equal step ids for the order form and the DPV terms; the KS cover
 * letter is what the agency returns for the KS agreement step.
 */
export const TEMPLATE_STEPS: Readonly<Record<string, StepId>> = {
  'order-form': 'order-form',
  'dpv-terms': 'dpv-terms',
  'ks-cover-letter': 'ks-agreement',
};

/** The step a document of `templateId` serves, or null when it serves none. */
export function stepForTemplate(templateId: string): StepId | null {
  return Object.hasOwn(TEMPLATE_STEPS, templateId) ? TEMPLATE_STEPS[templateId]! : null;
}
