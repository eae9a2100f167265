import { z } from 'zod';
import { STEP_IDS } from '../domain/checklist.js';
import { RegistrationSchema, SERVICES } from '../domain/registration.js';

/**
 * Request contracts of the HTTP API. The same schemas parse requests and are
 * turned into /openapi.json, so documentation cannot drift from behaviour.
 */
export { RegistrationSchema };

export const AdminCaseListQuery = z.strictObject({
  status: z.enum(['open', 'closed']).optional(),
  service: z.enum(SERVICES).optional(),
  organizationNumber: z.string().regex(/^\d{9}$/).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const StepUpdateBody = z.strictObject({
  status: z.enum(['done', 'todo']),
  note: z.string().trim().max(1000).optional(),
});

export const StepIdParam = z.enum(STEP_IDS);

export const DpoVerificationBody = z.strictObject({
  verified: z.boolean(),
});

export const CloseCaseBody = z.strictObject({
  reason: z.string().trim().min(1).max(1000),
});
