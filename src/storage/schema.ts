import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Timestamps are ISO-8601 strings in UTC and JSON columns
 * are text in both SQLite and PostgreSQL, so one query layer serves both.
 */
export interface CasesTable {
  id: string;
  organization_number: string;
  environment: string;
  sector: string;
  status: string;
  /** `${organizationNumber}:${environment}` while open, NULL when closed; UNIQUE. */
  open_key: string | null;
  registration: string;
  token_hash: string;
  dpo_verified_at: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  close_reason: string | null;
  audit_head: string | null;
}

export interface CaseServicesTable {
  case_id: string;
  service: string;
}

export interface StepCompletionsTable {
  case_id: string;
  step_id: string;
  completed_at: string;
  actor: string;
  note: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  created_at: string;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: string;
  seq: number;
  type: string;
  actor: string;
  at: string;
  data: string;
  artefact_sha256: string | null;
  prev_hash: string;
  hash: string;
}

export interface IssuedDocumentsTable {
  id: string;
  case_id: string;
  template_id: string;
  template_version: number;
  locale: string;
  /** SHA-256 of the canonical case data the document was filled with. */
  data_hash: string;
  /** SHA-256 of the PDF bytes as issued. */
  sha256: string;
  page_count: number;
  issued_at: string;
}

export interface OutboxMessagesTable {
  id: string;
  event_key: string;
  case_id: string;
  kind: string;
  /** JSON of OutboxMessage (recipients, subject, body, attachment references). */
  message: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface WebhookCursorsTable {
  target: string;
  last_event_id: number;
  failures: number;
  next_attempt_at: string;
  last_error: string | null;
}

export interface CertificateSubmissionsTable {
  id: string;
  case_id: string;
  submitted_at: string;
  actor: string;
  verdict: string;
  purpose: string;
  /** The moment the certificate was validated for. */
  validated_at: string;
  /** Lower-case hex SHA-256 of the DER certificate. */
  sha256: string;
  subject: string;
  organization_number: string | null;
  environment: string | null;
  not_after: string;
  /** JSON: the certificate summary shown in the API. */
  summary: string;
  /** JSON: the checks (id, status, code, params); messages are rendered on read. */
  checks: string;
  certificate_pem: string;
  /** Servicedesk's review: 'approved' | 'rejected', null until decided. */
  decision: string | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

export interface UploadsTable {
  id: string;
  case_id: string;
  sha256: string;
  size: number;
  media_type: string;
  pdf_sha256: string;
  file_name: string | null;
  page_count: number;
  status: string;
  document_id: string | null;
  template_id: string | null;
  /** The analysis result as JSON. */
  analysis: string;
  created_at: string;
  decision: string | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

export interface AdminSessionsTable {
  id_hash: string;
  admin_token_hash: string;
  created_at: string;
  expires_at: string;
}

export interface Database {
  admin_sessions: AdminSessionsTable;
  webhook_cursors: WebhookCursorsTable;
  outbox_messages: OutboxMessagesTable;
  certificate_submissions: CertificateSubmissionsTable;
  uploads: UploadsTable;
  issued_documents: IssuedDocumentsTable;
  cases: CasesTable;
  case_services: CaseServicesTable;
  step_completions: StepCompletionsTable;
  settings: SettingsTable;
  case_events: CaseEventsTable;
}
