import { Injectable } from '@nestjs/common';

/** A push to a repository a connection reaches, as other features receive it. */
export interface GitHubPushEvent {
  deliveryId: string;
  connectionId: string;
  organizationId: string;
  /** The repository record's id, when Meridian knows the repository. */
  repositoryId: string | null;
  repositoryExternalId: string;
  repositoryFullName: string;
  ref: string;
  before: string | null;
  after: string | null;
  commitCount: number;
  pusher: string | null;
}

export type GitHubPushHandler = (event: GitHubPushEvent) => Promise<void>;

/**
 * Typed GitHub push events. Subscribers (repository analysis) register a handler; it runs
 * inside the queue job that processes the delivery, before the delivery is marked
 * processed, so a handler that throws makes the job retry: delivery is at least once,
 * and handlers must be idempotent (key on deliveryId).
 */
@Injectable()
export class GitHubPushEvents {
  private readonly handlers: GitHubPushHandler[] = [];

  subscribe(handler: GitHubPushHandler): void {
    this.handlers.push(handler);
  }

  async publish(event: GitHubPushEvent): Promise<void> {
    for (const handler of this.handlers) await handler(event);
  }
}
