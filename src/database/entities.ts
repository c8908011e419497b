import { AuditCheckpoint, AuditEntry } from '../audit/audit-entry.entity.js';
import { Replica } from '../admin/system/replica.entity.js';
import { StatsBucket } from '../core/stats/stats-bucket.entity.js';
import { UserActivityDay } from '../users/user-activity-day.entity.js';
import { AgentGrant } from '../agents/agent-grant.entity.js';
import { Agent } from '../agents/agent.entity.js';
import { UsageDaily } from '../agents/usage-daily.entity.js';
import { AuthSession } from '../auth/entities/auth-session.entity.js';
import { LoginAttempt } from '../auth/entities/login-attempt.entity.js';
import { OneTimeToken } from '../auth/entities/one-time-token.entity.js';
import { RefreshToken } from '../auth/entities/refresh-token.entity.js';
import { SigningKey } from '../auth/entities/signing-key.entity.js';
import { WaitlistEntry } from '../auth/entities/waitlist-entry.entity.js';
import { ConnectionEvent } from '../connections/entities/connection-event.entity.js';
import { UsedInstallState } from '../connections/entities/install-state.entity.js';
import { RepositoryRecord } from '../connections/entities/repository.entity.js';
import { ServiceConnection } from '../connections/entities/service-connection.entity.js';
import { ServiceCredential } from '../connections/entities/service-credential.entity.js';
import { WebhookDelivery } from '../connections/entities/webhook-delivery.entity.js';
import { ReencryptionJob } from '../encryption/reencryption-job.entity.js';
import { Conversation } from '../conversations/conversation.entity.js';
import { Message } from '../conversations/message.entity.js';
import { MailMessage } from '../mail/mail-message.entity.js';
import { Membership } from '../organizations/membership.entity.js';
import { Organization } from '../organizations/organization.entity.js';
import { User } from '../users/user.entity.js';
import { ANALYSIS_ENTITIES } from '../analysis/analysis.entities.js';
import { ORCHESTRATOR_ENTITIES } from '../migration-orchestrator/orchestrator.entities.js';

/**
 * Every TypeORM entity of Meridian. Feature modules add theirs here so the application,
 * the migration CLI and the drift check see one schema.
 */
export const ENTITIES: Function[] = [
  User,
  SigningKey,
  AuthSession,
  RefreshToken,
  LoginAttempt,
  MailMessage,
  OneTimeToken,
  WaitlistEntry,
  Organization,
  Membership,
  Agent,
  AgentGrant,
  UsageDaily,
  Conversation,
  Message,
  ...ORCHESTRATOR_ENTITIES,
  ...ANALYSIS_ENTITIES,
  ServiceConnection,
  ServiceCredential,
  ConnectionEvent,
  RepositoryRecord,
  WebhookDelivery,
  UsedInstallState,
  ReencryptionJob,
  AuditEntry,
  AuditCheckpoint,
  UserActivityDay,
  StatsBucket,
  Replica,
];
