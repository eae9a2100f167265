import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import { validRegistration } from '../support/fixtures.js';

/** The real entry point in a child process: env config, first-start token, SIGTERM. */
describe('main process', () => {
  it('starts from the environment, prints the generated admin token once, serves, and stops cleanly on SIGTERM', async () => {
    const database = await createTestDatabase();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: database.dataDir, DATABASE_URL: database.url ?? '', ADMIN_TOKEN: '', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listen line: ${stdout} ${stderr}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /listening on http:\/\/localhost:(\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    const token = /Servicedesk token[^\n]*\n\s+(\S+)/.exec(stderr)?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stdout).not.toContain(token!);

    const created = await fetch(`http://127.0.0.1:${port}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validRegistration()),
    });
    expect(created.status).toBe(201);
    const list = await fetch(`http://127.0.0.1:${port}/api/admin/cases`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stdout).toContain('"msg":"stopped"');
    await database.drop();
  });
});
