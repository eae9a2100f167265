import { Counter, Histogram, type Registry } from 'prom-client';

export interface UploadMetrics {
  uploads: Counter<'status'>;
  receiveSeconds: Histogram;
  analysisSeconds: Histogram;
  pageSeconds: Histogram;
}

/** Upload metrics, registered in the service's registry. */
export function createUploadMetrics(registry: Registry): UploadMetrics {
  return {
    uploads: new Counter({
      name: 'efm_uploads_total',
      help: 'Uploads by outcome (complete, incomplete, unmatched, rejected, duplicate, refused)',
      labelNames: ['status'],
      registers: [registry],
    }),
    receiveSeconds: new Histogram({
      name: 'efm_upload_receive_seconds',
      help: 'Time to stream an upload into the blob store (until fsync and rename)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    analysisSeconds: new Histogram({
      name: 'efm_upload_analysis_seconds',
      help: 'Time to analyse an upload (type, safety, rasterise, QR, signatures), excluding queueing',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    pageSeconds: new Histogram({
      name: 'efm_upload_analysis_page_seconds',
      help: 'Analysis time per page of an upload',
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5],
      registers: [registry],
    }),
  };
}
