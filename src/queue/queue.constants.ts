/** Every queue of Meridian: one per concern. */
export enum QueueName {
  Maintenance = 'maintenance',
  Mail = 'mail',
  Conversations = 'conversations',
  Migrations = 'migrations',
}

/** Every job name. Each has exactly one handler, checked at start-up. */
export enum JobName {
  CleanQueues = 'maintenance.clean-queues',
  SendMail = 'mail.send',
  CleanEmptyConversations = 'conversations.clean-empty',
  MigrationAdvance = 'migrations.advance',
  MigrationLane = 'migrations.lane',
  MigrationScheduledRun = 'migrations.scheduled-run',
}

/** The queue each job is sent to. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.CleanQueues]: QueueName.Maintenance,
  [JobName.SendMail]: QueueName.Mail,
  [JobName.CleanEmptyConversations]: QueueName.Conversations,
  [JobName.MigrationAdvance]: QueueName.Migrations,
  [JobName.MigrationLane]: QueueName.Migrations,
  [JobName.MigrationScheduledRun]: QueueName.Migrations,
};

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);
