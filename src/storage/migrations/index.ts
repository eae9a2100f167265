import type { Migration } from 'kysely';
import { migration001 } from './001-cases.js';
import { migration002 } from './002-documents.js';
import { migration005 } from './005-outbox.js';
import { migration003 } from './003-certificates.js';
import { migration004 } from './004-uploads.js';
import { migration006 } from './006-admin-sessions.js';
import { migration007 } from './007-certificate-decisions.js';
import type { Dialect } from './dialect.js';

/**
 * Versioned migrations, applied in key order at start. Never edit a migration that
 * has shipped; add the next number. Each capability owns its own file.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001-cases': migration001(dialect),
    '002-documents': migration002,
    '005-outbox': migration005,
    '003-certificates': migration003,
    '004-uploads': migration004,
    '006-admin-sessions': migration006,
    '007-certificate-decisions': migration007,
  };
}
