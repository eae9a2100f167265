import { z } from 'zod';
import { AdminCaseListQuery, CloseCaseBody, DpoVerificationBody, RegistrationSchema, StepUpdateBody } from './contracts.js';
import { certificatePaths, certificateSchemas } from './certificates-openapi.js';
import { uploadPaths, uploadSchemas } from './uploads-openapi.js';

/**
 * /openapi.json, generated from the zod schemas that validate requests. Schemas
 * with transforms are described as the input the client sends.
 */
type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const problem = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export function buildOpenApiDocument(version: string): JsonSchema {
  const bearer = [{ caseToken: [] }];
  const admin = [{ adminToken: [] }];
  const jsonBody = (ref: string) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  return {
    openapi: '3.0.3',
    info: {
      title: 'efm-onboarding',
      version,
      description: 'Onboarding of Norwegian public agencies to eFormidling: registration, checklist, documents and certificates.',
    },
    paths: {
      '/api/cases': {
        post: {
          summary: 'Register an onboarding case',
          requestBody: jsonBody('Registration'),
          responses: {
            '201': { description: 'Created; the access token is shown only in this answer', headers: { Location: { schema: { type: 'string' } } } },
            '400': problem,
            '409': problem,
            '413': problem,
            '415': problem,
          },
        },
      },
      '/api/cases/{id}': {
        get: { summary: 'Read a case and its checklist', security: bearer, parameters: [idParam], responses: { '200': { description: 'The case' }, '404': problem } },
      },
      '/api/admin/cases': {
        get: {
          summary: 'List cases (servicedesk)',
          security: admin,
          parameters: Object.entries((schemaOf(AdminCaseListQuery).properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => ({ name, in: 'query', schema })),
          responses: { '200': { description: 'A page of cases with counts per status' }, '400': problem, '401': problem },
        },
      },
      '/api/admin/cases/{id}': {
        get: { summary: 'Read any case (servicedesk)', security: admin, parameters: [idParam], responses: { '200': { description: 'The case' }, '401': problem, '404': problem } },
      },
      '/api/admin/cases/{id}/steps/{stepId}': {
        post: {
          summary: 'Mark a checklist step done or not done (servicedesk)',
          security: admin,
          parameters: [idParam, { name: 'stepId', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: jsonBody('StepUpdate'),
          responses: { '200': { description: 'The case' }, '400': problem, '401': problem, '404': problem, '409': problem },
        },
      },
      '/api/admin/cases/{id}/dpo-verification': {
        post: { summary: 'Record that DPO works in production (servicedesk)', security: admin, parameters: [idParam], requestBody: jsonBody('DpoVerification'), responses: { '200': { description: 'The case' }, '400': problem, '401': problem, '404': problem } },
      },
      '/api/admin/cases/{id}/close': {
        post: { summary: 'Close a case (servicedesk)', security: admin, parameters: [idParam], requestBody: jsonBody('CloseCase'), responses: { '200': { description: 'The case' }, '400': problem, '401': problem, '404': problem, '409': problem } },
      },
      '/api/cases/{id}/documents': {
        get: {
          summary: 'List the prefilled documents the case checklist calls for, with a download URL per language',
          security: bearer,
          parameters: [idParam],
          responses: { '200': { description: '{ documents: [{ id, version, kind, step, title, locales, urls }] }' }, '404': problem },
        },
      },
      '/api/cases/{id}/documents/{docId}.pdf': {
        get: {
          summary: 'Download a prefilled PDF/A-2b document with a QR code and reference on every page',
          security: bearer,
          parameters: [
            idParam,
            { name: 'docId', in: 'path', required: true, schema: { type: 'string', example: 'dpv-terms' } },
            { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: ['nb', 'nn', 'en'] }, description: 'Document language; default from Accept-Language, else nb' },
            { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'The PDF (attachment); ETag is the quoted SHA-256 of the bytes',
              headers: { ETag: { schema: { type: 'string' } }, 'Content-Disposition': { schema: { type: 'string' } }, 'X-Document-Id': { schema: { type: 'string' } } },
              content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
            },
            '304': { description: 'Unchanged since the ETag given in If-None-Match' },
            '400': problem,
            '404': { description: 'Unknown case/token, unknown document, a document that does not apply to the case (the problem says why), or a language it does not exist in', content: problem.content },
            '429': { description: 'Render queue full; see Retry-After', content: problem.content },
            '503': { description: 'Render timed out or renderer unavailable; see Retry-After', content: problem.content },
          },
        },
      },
      ...certificatePaths(problem),
      ...uploadPaths(problem),
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'Alive' } } } },
      '/readyz': { get: { summary: 'Readiness (database reachable)', responses: { '200': { description: 'Ready' }, '503': problem } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Metrics in text format' } } } },
    },
    components: {
      securitySchemes: {
        caseToken: { type: 'http', scheme: 'bearer', description: 'The accessToken returned when the case was registered' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The servicedesk token (ADMIN_TOKEN)' },
      },
      schemas: {
        Registration: schemaOf(RegistrationSchema),
        StepUpdate: schemaOf(StepUpdateBody),
        DpoVerification: schemaOf(DpoVerificationBody),
        CloseCase: schemaOf(CloseCaseBody),
        ...certificateSchemas(schemaOf),
        ...uploadSchemas(),
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            code: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
