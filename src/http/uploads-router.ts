import { pipeline } from 'node:stream/promises';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { loadCaseForAdmin, loadCaseForToken } from '../cases/case-access.js';
import { caseClosed, ValidationFailedError } from '../cases/errors.js';
import { AppError } from '../domain/app-error.js';
import type { UploadRecord } from '../domain/upload-analysis.js';
import { badMultipart, fileMissing, storageUnavailable, uploadNotFound, uploadTooLarge } from '../returns/errors.js';
import { blobStorageEngine, type StoredFileInfo } from '../returns/multer-blob-storage.js';
import { isStorageFailure, type Returns } from '../returns/returns-service.js';
import { uploadView } from '../returns/view.js';
import { BlobTooLargeError } from '../storage/blob-store.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import { bearerToken, requireAdmin } from './auth.js';
import { requireJson, unsupportedMediaType } from './errors.js';
import { parseWith } from './parse.js';
import { requestLocale } from './problem.js';
import { UploadDecisionBody, UploadIdParam } from './upload-contracts.js';

export interface UploadsRouterDeps {
  cases: CaseRepository;
  returns: Returns;
  adminTokenHash: string;
}

const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/tiff': 'tif' };
/** Room for the multipart envelope and the documentId field around the file. */
const ENVELOPE_BYTES = 64 * 1024;

/** A failure while receiving a file, as the answer the client can act on. */
export function receiveError(error: unknown, maxBytes: number): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof BlobTooLargeError) return uploadTooLarge(maxBytes);
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return uploadTooLarge(maxBytes);
    if (error.code === 'LIMIT_FILE_COUNT' || error.code === 'LIMIT_UNEXPECTED_FILE') return badMultipart('one-file');
    return badMultipart('fields');
  }
  // A failing disk (EIO, ENOSPC, EROFS …) is a 503: nothing was recorded, try again.
  if (isStorageFailure(error)) return storageUnavailable(error);
  return badMultipart('malformed');
}

function parseUploadId(value: unknown): string {
  const parsed = UploadIdParam.safeParse(value);
  if (!parsed.success) throw uploadNotFound();
  return parsed.data;
}

async function sendBlob(res: Response, returns: Returns, sha256: string, mediaType: string, name: string): Promise<void> {
  const size = await returns.blobs.size(sha256);
  if (size === undefined) throw new Error(`blob ${sha256} is missing`);
  res
    .status(200)
    .type(mediaType)
    .setHeader('Content-Length', String(size))
    .setHeader('Content-Disposition', `attachment; filename="${name}"`)
    .setHeader('Cache-Control', 'private, no-store')
    .setHeader('ETag', `"${sha256}"`);
  await pipeline(returns.blobs.read(sha256), res);
}

/**
 * Signed returns over HTTP: the agency uploads and reads its uploads with the
 * case token; servicedesk reads every upload and decides on them.
 */
/**
 * Streams one multipart `file` into the blob store (never into memory) and maps
 * every receive failure to an AppError. Shared by the API and the web form.
 */
export function uploadReceiver(returns: Returns): RequestHandler {
  const maxBytes = returns.limits.maxBytes;
  const upload = multer({
    storage: blobStorageEngine({ blobs: returns.blobs, maxBytes, discard: (blob) => returns.discard(blob) }),
    // Browsers send file names as raw UTF-8 ("søknad æøå.pdf"); busboy's default reads them as latin1.
    defParamCharset: 'utf8',
    limits: { files: 1, fileSize: maxBytes, fields: 4, fieldSize: 256, fieldNameSize: 64, parts: 6, headerPairs: 50 },
  }).single('file');
  return (req, res, next) => {
    upload(req, res, (error: unknown) => next(error ? receiveError(error, maxBytes) : undefined));
  };
}

export function uploadsRouter(deps: UploadsRouterDeps): Router {
  const router = Router();
  const { returns } = deps;
  const maxBytes = returns.limits.maxBytes;
  const json = express.json({ limit: '100kb', strict: true, inflate: false, type: () => true });

  const caseForAgency = async (req: Request) => loadCaseForToken(deps.cases, String(req.params.id), bearerToken(req));
  const base = (req: Request, admin: boolean) => `/api${admin ? '/admin' : ''}/cases/${String(req.params.id)}/uploads`;
  const view = (req: Request, admin: boolean) => (record: UploadRecord) => uploadView(record, requestLocale(req), base(req, admin));

  /** Checks access and the request envelope before a single body byte is read. */
  const admitUpload: RequestHandler = async (req, res, next) => {
    const record = await caseForAgency(req);
    if (record.status !== 'open') throw caseClosed();
    if (!req.is('multipart/form-data')) throw unsupportedMediaType('multipart/form-data');
    const declared = Number(req.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) throw uploadTooLarge(maxBytes);
    res.locals.case = record;
    next();
  };

  const receive = uploadReceiver(returns);

  router.post('/api/cases/:id/uploads', admitUpload, receive, async (req, res) => {
    const record = res.locals.case as CaseRecord;
    const file = req.file as (Express.Multer.File & Partial<StoredFileInfo>) | undefined;
    if (!file?.sha256) throw fileMissing();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const reference = typeof body.documentId === 'string' && body.documentId.trim() !== '' ? body.documentId.trim() : null;
    const result = await returns.receive(
      record,
      { blob: { sha256: file.sha256, size: file.size ?? 0, created: file.created ?? false }, fileName: file.originalname, receiveSeconds: file.receiveSeconds ?? 0 },
      reference,
    );
    res
      .status(result.created ? 201 : 200)
      .location(`${base(req, false)}/${result.upload.id}`)
      .setHeader('Cache-Control', 'no-store')
      .json(view(req, false)(result.upload));
  });

  const routes = (admin: boolean) => {
    const prefix = admin ? '/api/admin/cases/:id/uploads' : '/api/cases/:id/uploads';
    const load = async (req: Request) => (admin ? loadCaseForAdmin(deps.cases, String(req.params.id)) : caseForAgency(req));
    const guard: RequestHandler[] = admin ? [requireAdmin(deps.adminTokenHash)] : [];

    router.get(prefix, ...guard, async (req, res) => {
      const record = await load(req);
      const items = await returns.list(record.id);
      res.setHeader('Cache-Control', 'no-store').json({ items: items.map(view(req, admin)) });
    });

    router.get(`${prefix}/:uploadId`, ...guard, async (req, res) => {
      const record = await load(req);
      const found = await returns.get(record.id, parseUploadId(req.params.uploadId));
      res.setHeader('Cache-Control', 'no-store').json(view(req, admin)(found));
    });

    router.get(`${prefix}/:uploadId/file`, ...guard, async (req, res) => {
      const record = await load(req);
      const found = await returns.get(record.id, parseUploadId(req.params.uploadId));
      // Never the client's file name: a fixed name from the id and the detected type.
      await sendBlob(res, returns, found.sha256, found.mediaType, `upload-${found.id}.${EXTENSIONS[found.mediaType] ?? 'bin'}`);
    });

    router.get(`${prefix}/:uploadId/pdf`, ...guard, async (req, res) => {
      const record = await load(req);
      const found = await returns.get(record.id, parseUploadId(req.params.uploadId));
      await sendBlob(res, returns, found.pdfSha256, 'application/pdf', `upload-${found.id}.pdf`);
    });
  };
  routes(false);
  routes(true);

  router.post('/api/admin/cases/:id/uploads/:uploadId/decision', requireAdmin(deps.adminTokenHash), requireJson, json, async (req, res) => {
    const body = parseWith(UploadDecisionBody, req.body);
    if (body.decision === 'reject' && !body.reason) throw new ValidationFailedError([{ path: 'reason', code: 'required' }], 'request');
    const decided = await returns.decide(
      String(req.params.id),
      parseUploadId(req.params.uploadId),
      { decision: body.decision, reason: body.reason ?? null, documentId: body.documentId ?? null },
      'servicedesk',
    );
    res.json(view(req, true)(decided));
  });

  return router;
}
