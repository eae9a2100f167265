import { z } from 'zod';

/** Request contracts of the upload routes (issue 4), also rendered into /openapi.json. */
export const UploadDecisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  /** Required when rejecting: the agency reads it in its checklist. */
  reason: z.string().trim().max(1000).optional(),
  /** The printed reference (EFM-XXXX-XXXX) when servicedesk identified the document by eye. */
  documentId: z.string().trim().min(1).max(40).optional(),
});

export const UploadIdParam = z.uuid();
