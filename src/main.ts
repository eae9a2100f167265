import { once } from 'node:events';
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { createService } from './service.js';

/**
 * The entry point: the only place that reads the environment. Starts the HTTP
 * server and shuts down cleanly on SIGTERM/SIGINT (stop accepting, finish
 * in-flight requests, close the database).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const service = await createService({ config, startWorkers: true });
  const { logger } = service;
  if (service.generatedAdminToken) {
    // Printed once, straight to the terminal and never through the logger.
    process.stderr.write(
      `\nServicedesk token (shown once, store it now; set ADMIN_TOKEN to choose your own):\n  ${service.generatedAdminToken}\n\n`,
    );
  }
  const server: Server = service.app.listen(config.port, config.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, dialect: service.database.dialect, dataDir: config.dataDir }, 'listening');
  process.stdout.write(`efm-onboarding listening on http://localhost:${port}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.warn('shutdown timed out; closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    force.unref();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await service.close();
    clearTimeout(force);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`efm-onboarding failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
