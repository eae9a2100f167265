import request from 'supertest';
import { ADMIN_TOKEN, type TestService } from '../../support/service.js';
import { validRegistration } from '../../support/fixtures.js';

let orgIndex = 0;
/** Valid organisation numbers (MOD11), so several cases can be open at once. */
const ORG_NUMBERS = ['991825827', '974760673', '889640782', '971526920', '983887457', '974761076', '938801363', '974760983'];

export async function registerCase(service: TestService, overrides: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const organizationNumber = ORG_NUMBERS[orgIndex++ % ORG_NUMBERS.length]!;
  const created = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber, ...overrides }));
  if (created.status !== 201) throw new Error(`registration failed: ${JSON.stringify(created.body)}`);
  return { id: created.body.id as string, token: created.body.accessToken as string };
}

export function upload(service: TestService, kase: { id: string; token: string }, bytes: Uint8Array, fileName = 'scan.pdf', fields: Record<string, string> = {}) {
  let req = request(service.app).post(`/api/cases/${kase.id}/uploads`).set('Authorization', `Bearer ${kase.token}`);
  for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
  return req.attach('file', Buffer.from(bytes), fileName);
}

export function agencyGet(service: TestService, kase: { id: string; token: string }, path: string) {
  return request(service.app).get(`/api/cases/${kase.id}${path}`).set('Authorization', `Bearer ${kase.token}`);
}

export function admin(service: TestService) {
  return {
    get: (path: string) => request(service.app).get(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
    post: (path: string, body: object) => request(service.app).post(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body),
  };
}

/** GET a file route and collect the body as bytes, whatever its content type. */
export function agencyGetBytes(service: TestService, kase: { id: string; token: string }, path: string) {
  return agencyGet(service, kase, path)
    .buffer(true)
    .parse((res, done) => {
      const stream = res as unknown as NodeJS.ReadableStream;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    });
}
