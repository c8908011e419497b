/** Every queue of Meridian: one per concern. */
export enum QueueName {
  Maintenance = 'maintenance',
  Mail = 'mail',
  Conversations = 'conversations',
  Migrations = 'migrations',
  Connections = 'connections',
  Encryption = 'encryption',
  Admin = 'admin',
  Analysis = 'analysis',
}

/** Every job name. Each has exactly one handler, checked at start-up. */
export enum JobName {
  CleanQueues = 'maintenance.clean-queues',
  SendMail = 'mail.send',
  CleanEmptyConversations = 'conversations.clean-empty',
  MigrationAdvance = 'migrations.advance',
  MigrationLane = 'migrations.lane',
  MigrationScheduledRun = 'migrations.scheduled-run',
  ConnectionsHealthSweep = 'connections.health-sweep',
  CheckConnection = 'connections.check',
  SyncConnectionRepositories = 'connections.sync-repositories',
  ProcessWebhookDelivery = 'connections.process-webhook',
  ReencryptSecrets = 'encryption.reencrypt',
  StatsRollup = 'admin.stats-rollup',
  AuditRetention = 'admin.audit-retention',
  AnalyzeRepository = 'analysis.run',
  AnalysisSweep = 'analysis.sweep',
}

/** The queue each job is sent to. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.CleanQueues]: QueueName.Maintenance,
  [JobName.SendMail]: QueueName.Mail,
  [JobName.CleanEmptyConversations]: QueueName.Conversations,
  [JobName.MigrationAdvance]: QueueName.Migrations,
  [JobName.MigrationLane]: QueueName.Migrations,
  [JobName.MigrationScheduledRun]: QueueName.Migrations,
  [JobName.ConnectionsHealthSweep]: QueueName.Connections,
  [JobName.CheckConnection]: QueueName.Connections,
  [JobName.SyncConnectionRepositories]: QueueName.Connections,
  [JobName.ProcessWebhookDelivery]: QueueName.Connections,
  [JobName.ReencryptSecrets]: QueueName.Encryption,
  [JobName.StatsRollup]: QueueName.Admin,
  [JobName.AuditRetention]: QueueName.Admin,
  [JobName.AnalyzeRepository]: QueueName.Analysis,
  [JobName.AnalysisSweep]: QueueName.Analysis,
};

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);
