import { randomBytes } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

/** One e-mail, ready to go out. */
export interface Mail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  /** Fixed date header: a retried letter is byte-for-byte the same letter. */
  date: Date;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

export interface Mailer {
  /** Where mail goes, for logs and the README ("smtp://host:port" or "file:<dir>"). */
  describe: string;
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * SMTP when SMTP_URL is set; otherwise each message becomes an .eml file under
 * DATA_DIR/outbox (written to a temp file, fsynced, renamed) so the embedded
 * default works without a mail server and an operator can read what would go out.
 */
export function createMailer(options: { smtpUrl?: string | undefined; outboxDir: string; timeoutMs?: number }): Mailer {
  if (options.smtpUrl) {
    const timeout = options.timeoutMs ?? 30_000;
    const transport = nodemailer.createTransport(options.smtpUrl, {
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    } as never);
    const url = new URL(options.smtpUrl);
    return {
      describe: `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 25)}`,
      async send(mail) {
        await transport.sendMail(toNodemailer(mail));
      },
      close: () => transport.close(),
    };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `file:${options.outboxDir}`,
    async send(mail) {
      const info = (await stream.sendMail(toNodemailer(mail))) as { message: Buffer };
      await mkdir(options.outboxDir, { recursive: true });
      const name = `${mail.messageId.replace(/[^A-Za-z0-9@.-]/g, '')}.eml`;
      const tmp = path.join(options.outboxDir, `.${randomBytes(6).toString('hex')}.tmp`);
      const handle = await open(tmp, 'w', 0o640);
      try {
        await handle.writeFile(info.message);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Same Message-ID → same file name: a retry overwrites instead of duplicating.
      await rename(tmp, path.join(options.outboxDir, name));
    },
    close: () => stream.close(),
  };
}

function toNodemailer(mail: Mail) {
  return {
    messageId: mail.messageId,
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    text: mail.text,
    date: mail.date,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  };
}
