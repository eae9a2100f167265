import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createService, type Service } from '../../src/service.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestService extends Service {
  testDatabase: TestDatabase;
  /** Closes the service and drops its database. */
  dispose(): Promise<void>;
}

export async function startTestService(
  options: { env?: Record<string, string>; clock?: () => Date; database?: TestDatabase; blobs?: BlobStore } = {},
): Promise<TestService> {
  const testDatabase = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    DATA_DIR: testDatabase.dataDir,
    DATABASE_URL: testDatabase.url,
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    // Tests send hundreds of requests from one address; rate-limits.test.ts turns limits on.
    REGISTRATION_RATE_LIMIT: '0',
    LOGIN_RATE_LIMIT: '0',
    ...options.env,
  });
  const service = await createService({
    config,
    logger: createLogger({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.blobs ? { blobs: options.blobs } : {}),
  });
  return {
    ...service,
    testDatabase,
    async dispose() {
      await service.close();
      await testDatabase.drop();
    },
  };
}
