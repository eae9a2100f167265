import type { z } from 'zod';
import { CHECK_IDS, CHECK_STATUSES } from '../certificates/types.js';
import { CertificateDecisionBody } from '../certificates/decide-certificate.js';
import { CertificateValidateFields } from './certificates-router.js';

/**
 * The certificate endpoints in /openapi.json. Kept beside the router so the
 * shared openapi.ts only gains two spread lines.
 */
type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const FILE_FORMATS = 'PEM, DER (.cer/.crt), PKCS#7 (.p7b/.p7c) or a ZIP holding one of those; judged by content. Private keys (PEM keys, .p12/.pfx, JKS) are refused with 422 and never stored. At most 1 MB.';

export function certificatePaths(problem: JsonSchema): Record<string, JsonSchema> {
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const result = (description: string) => ({ description, content: { 'application/json': { schema: ref('CertificateValidation') } } });
  const list = { description: 'Submissions, newest last', content: { 'application/json': { schema: ref('CertificateSubmissionList') } } };
  const rawBody = { schema: { type: 'string', format: 'binary' } };
  return {
    '/api/certificates/validate': {
      post: {
        summary: 'Validate an enterprise certificate without a case (rate limited per client address)',
        description: `${FILE_FORMATS} Send multipart/form-data with the file in "file" and the fields below, or the raw file as the body with the fields as query parameters. Answers 200 for both verdicts.`,
        parameters: ['organizationNumber', 'environment', 'at', 'purpose'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' }, description: 'Only when the body is the raw file' })),
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': { schema: { allOf: [ref('CertificateValidateFields'), { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } }] } },
            'application/octet-stream': rawBody,
          },
        },
        responses: { '200': result('The verdict, the certificate and every check'), '400': problem, '413': problem, '422': problem, '429': problem },
      },
    },
    '/api/cases/{id}/certificates': {
      post: {
        summary: "Submit the agency's enterprise certificate on its case",
        description: `${FILE_FORMATS} Checked as the authentication certificate against the case's organisation number and environment. Multipart field "file", or the raw file as the body with any Content-Type.`,
        security: [{ caseToken: [] }],
        parameters: [idParam],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } },
            'application/octet-stream': rawBody,
            'application/pkix-cert': rawBody,
            'application/x-pem-file': rawBody,
            'application/pkcs7-mime': rawBody,
            'application/zip': rawBody,
          },
        },
        responses: {
          '201': result('Accepted: stored on the case and the checklist step "certificate" is done'),
          '422': { description: 'Rejected (same body as 201, stored as rejected), or an unusable file (problem+json)', content: { 'application/json': { schema: ref('CertificateValidation') }, 'application/problem+json': { schema: ref('Problem') } } },
          '400': problem,
          '404': problem,
          '409': problem,
          '413': problem,
        },
      },
      get: { summary: 'Certificates submitted on the case', security: [{ caseToken: [] }], parameters: [idParam], responses: { '200': list, '404': problem } },
    },
    '/api/admin/cases/{id}/certificates': {
      get: { summary: 'Certificates submitted on any case (servicedesk)', security: [{ adminToken: [] }], parameters: [idParam], responses: { '200': list, '401': problem, '404': problem } },
    },
    '/api/admin/cases/{id}/certificates/{submissionId}/decision': {
      post: {
        summary: 'Approve or reject a certificate that passed every check (servicedesk); a reason is required to reject',
        description: 'A rejection puts the checklist step "certificate" back to todo with the reason, unless servicedesk completed the step by hand. One decision per submission (409 after that); 409 for a certificate that failed a check.',
        security: [{ adminToken: [] }],
        parameters: [idParam, { name: 'submissionId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('CertificateDecision') } } },
        responses: { '200': { description: 'The submission with its decision', content: { 'application/json': { schema: ref('CertificateSubmission') } } }, '400': problem, '401': problem, '404': problem, '409': problem },
      },
    },
  };
}

export function certificateSchemas(schemaOf: (schema: z.ZodType) => JsonSchema): Record<string, JsonSchema> {
  const check = {
    type: 'object',
    required: ['id', 'status', 'message'],
    properties: { id: { type: 'string', enum: [...CHECK_IDS] }, status: { type: 'string', enum: [...CHECK_STATUSES] }, code: { type: 'string' }, message: { type: 'string' } },
  };
  const nullable = (type: string) => ({ type, nullable: true });
  const certificate = {
    type: 'object',
    properties: {
      subject: { type: 'string' },
      issuer: { type: 'string' },
      serialNumber: { type: 'string', description: 'Upper-case hex' },
      organizationNumber: nullable('string'),
      seidVersion: { type: 'integer', enum: [1, 2], nullable: true },
      issuingCa: nullable('string'),
      environment: { type: 'string', enum: ['test', 'production'], nullable: true, description: 'Decided by the issuing CA' },
      notBefore: { type: 'string', format: 'date-time' },
      notAfter: { type: 'string', format: 'date-time' },
      keyAlgorithm: { type: 'string' },
      keySize: nullable('integer'),
      keyCurve: nullable('string'),
      keyUsage: { type: 'array', items: { type: 'string' } },
      extendedKeyUsage: { type: 'array', items: { type: 'string' } },
      policies: { type: 'array', items: { type: 'string' } },
      sha256Fingerprint: { type: 'string' },
    },
  };
  const single = { type: 'object', required: ['verdict', 'certificate', 'checks'], properties: { verdict: { type: 'string', enum: ['accepted', 'rejected'] }, certificate, checks: { type: 'array', items: check } } };
  return {
    CertificateValidateFields: schemaOf(CertificateValidateFields),
    CertificateValidation: {
      allOf: [
        single,
        {
          type: 'object',
          properties: {
            submissionId: { type: 'string', description: 'Case submissions only' },
            results: { type: 'array', description: 'One result per end-entity certificate in the file; the top level repeats the first accepted one (else the first)', items: single },
          },
        },
      ],
    },
    CertificateDecision: schemaOf(CertificateDecisionBody),
    CertificateSubmission: {
      allOf: [
        single,
        {
          type: 'object',
          properties: {
            id: { type: 'string' },
            submittedAt: { type: 'string' },
            actor: { type: 'string' },
            purpose: { type: 'string' },
            validatedAt: { type: 'string' },
            pem: { type: 'string' },
            decision: {
              type: 'object',
              nullable: true,
              description: "Servicedesk's review; null until decided",
              properties: { outcome: { type: 'string', enum: ['approved', 'rejected'] }, reason: { type: 'string', nullable: true }, by: { type: 'string' }, at: { type: 'string' } },
            },
          },
        },
      ],
    },
    CertificateSubmissionList: { type: 'object', properties: { items: { type: 'array', items: ref('CertificateSubmission') } } },
  };
}
