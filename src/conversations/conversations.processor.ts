import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import {
  EmptyConversationsCleanupService,
  type EmptyConversationsCleanupResult,
} from './empty-conversations-cleanup.service.js';

@QueueProcessor(QueueName.Conversations)
export class ConversationsProcessor extends JobProcessor {
  constructor(private readonly cleanup: EmptyConversationsCleanupService) {
    super();
  }

  /** Hourly (ConversationsScheduler); takes no payload. */
  @JobHandler(JobName.CleanEmptyConversations)
  cleanEmptyConversations(): Promise<EmptyConversationsCleanupResult> {
    return this.cleanup.clean();
  }
}
