import { z } from 'zod';
import { FINDING_CODES } from '../domain/upload-analysis.js';
import { UPLOAD_STATUSES } from '../domain/return-state.js';
import { UploadDecisionBody } from './upload-contracts.js';

/** The upload routes (issue 4) for /openapi.json; merged into the document by openapi.ts. */
type JsonSchema = Record<string, unknown>;

export function uploadPaths(problem: JsonSchema): Record<string, JsonSchema> {
  const bearer = [{ caseToken: [] }];
  const admin = [{ adminToken: [] }];
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const uploadId = { name: 'uploadId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const upload = { description: 'The upload and its analysis', content: { 'application/json': { schema: { $ref: '#/components/schemas/Upload' } } } };
  const list = { description: 'The uploads of the case, newest first', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Upload' } } } } } } };
  const bytes = (type: string, what: string) => ({ description: what, content: { [type]: { schema: { type: 'string', format: 'binary' } } } });
  const reads = (security: JsonSchema[], who: string) => ({
    list: { get: { summary: `List the uploads of a case (${who})`, security, parameters: [id], responses: { '200': list, '401': problem, '404': problem } } },
    one: { get: { summary: `Read an upload and its analysis (${who})`, security, parameters: [id, uploadId], responses: { '200': upload, '401': problem, '404': problem } } },
    file: { get: { summary: `The uploaded file, byte for byte (${who})`, security, parameters: [id, uploadId], responses: { '200': bytes('application/octet-stream', 'The stored bytes, with the detected media type'), '404': problem } } },
    pdf: { get: { summary: `The PDF that was analysed (the upload, or the PDF made from an image) (${who})`, security, parameters: [id, uploadId], responses: { '200': bytes('application/pdf', 'PDF'), '404': problem } } },
  });
  const agency = reads(bearer, 'agency');
  const desk = reads(admin, 'servicedesk');
  return {
    '/api/cases/{id}/uploads': {
      post: {
        summary: 'Upload a signed return: a scan (PDF, JPEG, PNG, multi-page TIFF) or a digitally signed PDF',
        description:
          'The type is judged by content only. The file is streamed to disk, analysed (QR codes on every page, digital signatures) and matched to the issued document. The same file twice on a case is the same upload (200).',
        security: bearer,
        parameters: [id],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: { type: 'string', format: 'binary', description: 'One file, at most UPLOAD_MAX_BYTES (25 MB) and UPLOAD_MAX_PAGES (100) pages' },
                  documentId: { type: 'string', description: 'The printed reference (EFM-XXXX-XXXX), for scans whose QR codes cannot be read' },
                },
              },
            },
          },
        },
        responses: {
          '201': upload,
          '200': { ...upload, description: 'This file was already uploaded to this case; the existing upload' },
          '400': problem,
          '404': problem,
          '409': problem,
          '413': problem,
          '415': problem,
          '422': problem,
          '503': problem,
        },
      },
      ...agency.list,
    },
    '/api/cases/{id}/uploads/{uploadId}': agency.one,
    '/api/cases/{id}/uploads/{uploadId}/file': agency.file,
    '/api/cases/{id}/uploads/{uploadId}/pdf': agency.pdf,
    '/api/admin/cases/{id}/uploads': desk.list,
    '/api/admin/cases/{id}/uploads/{uploadId}': desk.one,
    '/api/admin/cases/{id}/uploads/{uploadId}/file': desk.file,
    '/api/admin/cases/{id}/uploads/{uploadId}/pdf': desk.pdf,
    '/api/admin/cases/{id}/uploads/{uploadId}/decision': {
      post: {
        summary: 'Approve or reject an upload (servicedesk); a reason is required to reject',
        security: admin,
        parameters: [id, uploadId],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadDecision' } } } },
        responses: { '200': upload, '400': problem, '401': problem, '404': problem, '409': problem, '422': problem },
      },
    },
  };
}

export function uploadSchemas(): Record<string, JsonSchema> {
  const decision = z.toJSONSchema(UploadDecisionBody, { io: 'input', target: 'openapi-3.0' }) as JsonSchema;
  delete decision.$schema;
  return {
    UploadDecision: decision,
    Upload: {
      type: 'object',
      required: ['id', 'sha256', 'size', 'pageCount', 'status', 'document', 'pagesFound', 'missingPages', 'findings'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        sha256: { type: 'string' },
        size: { type: 'integer' },
        mediaType: { type: 'string', enum: ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'] },
        fileName: { type: 'string', nullable: true, description: 'The client file name, for display only' },
        createdAt: { type: 'string', format: 'date-time' },
        pageCount: { type: 'integer' },
        status: { type: 'string', enum: [...UPLOAD_STATUSES] },
        document: {
          type: 'object',
          nullable: true,
          properties: { id: { type: 'string' }, kind: { type: 'string' }, reference: { type: 'string' }, source: { type: 'string', enum: ['qr', 'hash', 'reference', 'servicedesk'] } },
        },
        pagesFound: { type: 'array', items: { type: 'integer' } },
        missingPages: { type: 'array', items: { type: 'integer' } },
        findings: {
          type: 'array',
          items: { type: 'object', properties: { code: { type: 'string', enum: [...FINDING_CODES] }, page: { type: 'integer' }, message: { type: 'string' } } },
        },
        signatures: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              index: { type: 'integer' },
              subFilter: { type: 'string', nullable: true },
              intact: { type: 'boolean' },
              coversWholeFile: { type: 'boolean' },
              signer: { type: 'object', nullable: true },
              signingTime: { type: 'string', nullable: true },
              signingTimeSource: { type: 'string', nullable: true, enum: ['signed-attribute', 'pdf-dictionary'] },
              timestampToken: { type: 'boolean' },
              chain: { type: 'string', enum: ['not-verified'] },
              signedContent: { type: 'string', enum: ['issued-document-hash', 'issued-document-code', 'unknown'] },
              problems: { type: 'array', items: { type: 'string' } },
              summary: { type: 'string' },
            },
          },
        },
        decision: { type: 'object', nullable: true, properties: { outcome: { type: 'string', enum: ['approved', 'rejected'] }, reason: { type: 'string' }, at: { type: 'string' } } },
      },
    },
  };
}
