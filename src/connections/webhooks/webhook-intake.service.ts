import { Inject, Injectable, Logger } from '@nestjs/common';
import { findStringDefects } from '../../core/http/json-body.js';
import { QueueProducer } from '../../queue/queue-producer.service.js';
import { JobName } from '../../queue/queue.constants.js';
import type { ConnectionsConfig } from '../connections.config.js';
import {
  webhookPayloadInvalid,
  webhookSignatureInvalid,
  webhooksNotConfigured,
} from '../connections.errors.js';
import { CONNECTIONS_CONFIG } from '../connections.tokens.js';
import { ConnectionService } from '../entities/service-connection.entity.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { verifyGitHubSignature, verifySlackSignature } from './webhook-signatures.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type IntakeResult =
  | { kind: 'accepted'; id: string }
  | { kind: 'duplicate' }
  | { kind: 'challenge'; challenge: string };

type Json = Record<string, unknown>;

function parseObject(raw: Buffer): { text: string; body: Json } {
  let text: string;
  let body: unknown;
  try {
    text = utf8.decode(raw);
    body = JSON.parse(text);
  } catch {
    throw webhookPayloadInvalid('The webhook body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw webhookPayloadInvalid('The webhook body is not a JSON object.');
  }
  if (findStringDefects(body, 1).length > 0) {
    throw webhookPayloadInvalid('The webhook body holds a NUL character or invalid Unicode.');
  }
  return { text, body: body as Json };
}

const str = (v: unknown, max: number): string | null =>
  typeof v === 'string' && v.length > 0
    ? v.slice(0, max)
    : typeof v === 'number'
      ? String(v)
      : null;

/**
 * Webhook intake: verifies the signature over the raw bytes before anything parses them,
 * stores each delivery once and hands it to the queue. The response never waits for the
 * delivery's effects.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly producer: QueueProducer,
  ) {}

  async github(
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<IntakeResult> {
    const secret = this.config.github.webhookSecret;
    if (!secret) throw webhooksNotConfigured('GITHUB_WEBHOOK_SECRET');
    const signature = headers['x-hub-signature-256'];
    if (typeof signature !== 'string')
      throw webhookSignatureInvalid('The delivery has no X-Hub-Signature-256.');
    if (!verifyGitHubSignature(secret, raw, signature)) {
      throw webhookSignatureInvalid('The X-Hub-Signature-256 does not match the body.');
    }
    const deliveryId = headers['x-github-delivery'];
    const event = headers['x-github-event'];
    if (
      typeof deliveryId !== 'string' ||
      !/^[\w-]{1,200}$/.test(deliveryId) ||
      typeof event !== 'string' ||
      !/^[a-z_]{1,100}$/.test(event)
    ) {
      throw webhookPayloadInvalid(
        'The delivery lacks a valid X-GitHub-Delivery or X-GitHub-Event.',
      );
    }
    const { text, body } = parseObject(raw);
    const installation = body.installation as Json | undefined;
    return this.store({
      service: ConnectionService.GitHub,
      deliveryId,
      event,
      action: str(body.action, 100),
      externalId: str(installation?.id, 100),
      payload: text,
    });
  }

  async slack(
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<IntakeResult> {
    const secret = this.config.slack.signingSecret;
    if (!secret) throw webhooksNotConfigured('SLACK_SIGNING_SECRET');
    const ts = headers['x-slack-request-timestamp'];
    const signature = headers['x-slack-signature'];
    const verdict = verifySlackSignature(
      secret,
      raw,
      typeof ts === 'string' ? ts : undefined,
      typeof signature === 'string' ? signature : undefined,
    );
    if (verdict === 'missing')
      throw webhookSignatureInvalid(
        'The request has no X-Slack-Signature or X-Slack-Request-Timestamp.',
      );
    if (verdict === 'stale')
      throw webhookSignatureInvalid(
        'The X-Slack-Request-Timestamp is more than 5 minutes from now.',
      );
    if (verdict === 'bad')
      throw webhookSignatureInvalid('The X-Slack-Signature does not match the body.');
    const { text, body } = parseObject(raw);
    if (body.type === 'url_verification') {
      if (typeof body.challenge !== 'string')
        throw webhookPayloadInvalid('url_verification without a challenge.');
      return { kind: 'challenge', challenge: body.challenge.slice(0, 1000) };
    }
    const eventId = body.event_id;
    if (typeof eventId !== 'string' || !/^[\w-]{1,200}$/.test(eventId)) {
      throw webhookPayloadInvalid('The event has no valid event_id.');
    }
    const event = body.event as Json | undefined;
    return this.store({
      service: ConnectionService.Slack,
      deliveryId: eventId,
      event: str(event?.type, 100) ?? str(body.type, 100) ?? 'unknown',
      action: null,
      externalId: str(body.team_id, 100),
      payload: text,
    });
  }

  private async store(
    d: Parameters<WebhookDeliveriesRepository['insertOnce']>[0],
  ): Promise<IntakeResult> {
    const id = await this.deliveries.insertOnce(d);
    if (!id) return { kind: 'duplicate' };
    await this.enqueue(id);
    return { kind: 'accepted', id };
  }

  /** Stored first, so a delivery whose job is lost is picked up by the sweep (requeueStale). */
  async enqueue(id: string): Promise<void> {
    try {
      await this.producer.enqueue(
        JobName.ProcessWebhookDelivery,
        { deliveryId: id },
        { jobId: `webhook-${id}` },
      );
    } catch {
      this.logger.warn(`delivery ${id} stored; its job will be enqueued by the next sweep`);
    }
  }

  /** Re-enqueues deliveries stored but never processed (a lost enqueue, a crash). */
  async requeueStale(): Promise<number> {
    const ids = await this.deliveries.unprocessed(60_000, 1000);
    for (const id of ids) await this.enqueue(id);
    return ids.length;
  }
}
