import { loadConfig } from '../../../src/config.js';
import { createService } from '../../../src/service.js';

/**
 * The service as a real process, for the crash test: started with
 * `node --import tsx test/returns/support/serve.ts`, it prints "READY <port>"
 * and serves until it is killed.
 */
const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
const service = await createService({ config });
const server = service.app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
});
