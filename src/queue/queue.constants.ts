/** Every queue of Meridian: one per concern. */
export enum QueueName {
  Maintenance = 'maintenance',
}

/** Every job name. Each has exactly one handler, checked at start-up. */
export enum JobName {
  CleanQueues = 'maintenance.clean-queues',
}

/** The queue each job is sent to. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.CleanQueues]: QueueName.Maintenance,
};

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);
