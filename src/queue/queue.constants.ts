/** Every queue of Meridian: one per concern. */
export enum QueueName {
  Maintenance = 'maintenance',
  Mail = 'mail',
  Conversations = 'conversations',
  Admin = 'admin',
}

/** Every job name. Each has exactly one handler, checked at start-up. */
export enum JobName {
  CleanQueues = 'maintenance.clean-queues',
  SendMail = 'mail.send',
  CleanEmptyConversations = 'conversations.clean-empty',
  StatsRollup = 'admin.stats-rollup',
  AuditRetention = 'admin.audit-retention',
}

/** The queue each job is sent to. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.CleanQueues]: QueueName.Maintenance,
  [JobName.SendMail]: QueueName.Mail,
  [JobName.CleanEmptyConversations]: QueueName.Conversations,
  [JobName.StatsRollup]: QueueName.Admin,
  [JobName.AuditRetention]: QueueName.Admin,
};

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);
