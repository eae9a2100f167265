import http from 'node:http';
import https from 'node:https';
import { TransportError, type RevocationTransport, type TransportRequest } from './types.js';

/**
 * The only code that touches the network for revocation. One deadline covers
 * connect, request and the whole body; bodies are capped; redirects are not
 * followed (OCSP and CRL endpoints answer directly, and a redirect from a
 * CA-controlled URL to somewhere else is not something to chase).
 */
export function createHttpTransport(options: { userAgent?: string } = {}): RevocationTransport {
  return {
    fetch(request: TransportRequest): Promise<Uint8Array> {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return Promise.reject(new TransportError('unsupported', `not a URL: ${request.url}`));
      }
      const client = url.protocol === 'http:' ? http : url.protocol === 'https:' ? https : null;
      if (!client) return Promise.reject(new TransportError('unsupported', `unsupported URL scheme ${url.protocol}`));

      return new Promise<Uint8Array>((resolve, reject) => {
        let settled = false;
        const finish = (error: TransportError | null, body?: Uint8Array) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          if (error) {
            req.destroy();
            reject(error);
          } else resolve(body!);
        };
        const req = client.request(url, {
          method: request.method,
          // No keep-alive pool: a CLI run must be able to exit, and responders are few and far between.
          agent: false,
          headers: {
            accept: request.accept,
            'user-agent': options.userAgent ?? 'efm-onboarding certificate validator',
            ...(request.body ? { 'content-type': request.contentType ?? 'application/octet-stream', 'content-length': String(request.body.length) } : {}),
          },
        });
        const deadline = setTimeout(() => finish(new TransportError('timeout', `no answer from ${url.host} within ${request.timeoutMs} ms`)), request.timeoutMs);
        req.on('error', (error) => finish(new TransportError('unreachable', `${url.host}: ${error.message}`)));
        req.on('response', (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return finish(new TransportError('http-status', `${url.host} answered HTTP ${res.statusCode}`));
          }
          const declared = Number(res.headers['content-length']);
          if (Number.isFinite(declared) && declared > request.maxBytes) {
            res.resume();
            return finish(new TransportError('too-large', `${url.host} sent ${declared} bytes (limit ${request.maxBytes})`));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > request.maxBytes) finish(new TransportError('too-large', `${url.host} sent more than ${request.maxBytes} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () => finish(null, Buffer.concat(chunks)));
          res.on('error', (error) => finish(new TransportError('unreachable', `${url.host}: ${error.message}`)));
        });
        req.end(request.body ? Buffer.from(request.body) : undefined);
      });
    },
  };
}
