/** Every queue of Meridian: one per concern. */
export enum QueueName {
  Maintenance = 'maintenance',
  Mail = 'mail',
  Conversations = 'conversations',
}

/** Every job name. Each has exactly one handler, checked at start-up. */
export enum JobName {
  CleanQueues = 'maintenance.clean-queues',
  SendMail = 'mail.send',
  CleanEmptyConversations = 'conversations.clean-empty',
}

/** The queue each job is sent to. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.CleanQueues]: QueueName.Maintenance,
  [JobName.SendMail]: QueueName.Mail,
  [JobName.CleanEmptyConversations]: QueueName.Conversations,
};

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);
