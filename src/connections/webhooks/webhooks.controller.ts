import { Controller, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/decorators/auth.decorators.js';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { CoreErrorCode } from '../../core/errors/error-codes.js';
import { RAW_JSON_BODY } from '../../core/http/json-body.js';
import { ConnectionErrorCode } from '../connections.errors.js';
import { WebhookIntakeService, type IntakeResult } from './webhook-intake.service.js';

export class WebhookReceiptDto {
  @ApiProperty({
    enum: ['accepted', 'duplicate'],
    description: '`duplicate`: this delivery was stored before; nothing was done.',
  })
  status!: 'accepted' | 'duplicate';

  @ApiPropertyOptional({ format: 'uuid', description: 'The stored delivery (accepted only).' })
  id?: string;
}

export class SlackChallengeDto {
  @ApiPropertyOptional({ description: "Slack's url_verification challenge, echoed." })
  challenge?: string;

  @ApiPropertyOptional({ enum: ['accepted', 'duplicate'] })
  status?: 'accepted' | 'duplicate';

  @ApiPropertyOptional({ format: 'uuid' })
  id?: string;
}

const PROBLEMS = {
  400: {
    [ConnectionErrorCode.WebhookPayloadInvalid]:
      'The verified body is not a JSON object, or lacks its delivery id.',
  },
  401: {
    [ConnectionErrorCode.WebhookSignatureInvalid]:
      'The signature is missing, wrong or (Slack) stale; nothing was stored.',
  },
  413: { [CoreErrorCode.PayloadTooLarge]: 'The body is larger than WEBHOOK_BODY_LIMIT_BYTES.' },
  503: {
    [ConnectionErrorCode.WebhooksNotConfigured]: "The service's webhook secret is not configured.",
  },
};

const RAW_BODY = { [RAW_JSON_BODY]: true };

function answer(reply: FastifyReply, result: IntakeResult): WebhookReceiptDto | SlackChallengeDto {
  switch (result.kind) {
    case 'accepted':
      void reply.status(202);
      return { status: 'accepted', id: result.id };
    case 'duplicate':
      void reply.status(200);
      return { status: 'duplicate' };
    case 'challenge':
      void reply.status(200);
      return { challenge: result.challenge };
  }
}

/** Signed webhooks of the connected services: public, verified over the raw body. */
@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post('github')
  @RouteConfig(RAW_BODY)
  @ApiOperation({
    summary:
      'GitHub App webhooks (X-Hub-Signature-256); each delivery is stored once and processed through the queue.',
  })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true })
  @ApiHeader({ name: 'X-GitHub-Delivery', required: true })
  @ApiHeader({ name: 'X-GitHub-Event', required: true })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiAcceptedResponse({
    type: WebhookReceiptDto,
    description: 'Stored; it is processed in the background.',
  })
  @ApiOkResponse({
    type: WebhookReceiptDto,
    description: 'A duplicate delivery: nothing was done.',
  })
  @ApiProblems(PROBLEMS)
  async receiveGitHubWebhook(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookReceiptDto> {
    return answer(
      reply,
      await this.intake.github(rawBody(request), request.headers),
    ) as WebhookReceiptDto;
  }

  @Post('slack')
  @RouteConfig(RAW_BODY)
  @ApiOperation({
    summary:
      "Slack Events API (v0 signature, 5-minute window); answers Slack's url_verification challenge.",
  })
  @ApiHeader({ name: 'X-Slack-Signature', required: true })
  @ApiHeader({ name: 'X-Slack-Request-Timestamp', required: true })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiAcceptedResponse({
    type: WebhookReceiptDto,
    description: 'Stored; it is processed in the background.',
  })
  @ApiOkResponse({
    type: SlackChallengeDto,
    description: 'The url_verification challenge, or a duplicate event.',
  })
  @ApiProblems(PROBLEMS)
  async receiveSlackWebhook(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SlackChallengeDto> {
    return answer(reply, await this.intake.slack(rawBody(request), request.headers));
  }
}

function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}
