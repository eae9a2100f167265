import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpHarness {
  port: number;
  received: ReceivedMail[];
  /** Called before each DATA is accepted; return 'refuse' for a 451, 'reject' for a 550, 'drop' to cut the connection after DATA. */
  behaviour: (attempt: number) => 'accept' | 'refuse' | 'reject' | 'drop';
  attempts: number;
  close(): Promise<void>;
}

/** A real SMTP server on loopback, whose answers the test controls. */
export async function startSmtpHarness(): Promise<SmtpHarness> {
  const harness = {
    port: 0,
    received: [] as ReceivedMail[],
    behaviour: (_attempt: number) => 'accept' as 'accept' | 'refuse' | 'reject' | 'drop',
    attempts: 0,
    close: async (): Promise<void> => undefined,
  };
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      harness.attempts++;
      const action = harness.behaviour(harness.attempts);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (action === 'refuse') return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        if (action === 'reject') return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        harness.received.push({ from: session.envelope.mailFrom ? (session.envelope.mailFrom as { address: string }).address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        if (action === 'drop') {
          // The message arrived, but the reply never does: cut every connection.
          for (const connection of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) connection._socket.destroy();
          return;
        }
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  harness.port = (server.server.address() as AddressInfo).port;
  harness.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return harness;
}

/** Header value from a raw message (unfolded). */
export function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return match?.[1]?.trim();
}

/** The decoded body of the attachment with this file name. */
export function attachment(raw: string, fileName: string): Buffer | undefined {
  const index = raw.indexOf(`filename=${fileName}`) >= 0 ? raw.indexOf(`filename=${fileName}`) : raw.indexOf(`filename="${fileName}"`);
  if (index < 0) return undefined;
  const start = raw.indexOf('\n\n', index) >= 0 ? raw.indexOf('\n\n', index) : raw.indexOf('\r\n\r\n', index);
  const rest = raw.slice(start).trimStart();
  const end = rest.indexOf('\n--');
  return Buffer.from(rest.slice(0, end).replace(/\s+/g, ''), 'base64');
}
