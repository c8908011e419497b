import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Inject } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { CurrentPrincipal } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ParseUuidPipe } from '../../core/http/parse-uuid.pipe.js';
import { ChatService, type ChatOutcome } from './chat.service.js';
import { ClientGone } from './chat-streams.registry.js';
import { ChatRequestDto, ChatResultDto } from './dto/chat.dto.js';
import { toChatResult } from './chat.mapper.js';
import { SseWriter } from './sse-writer.js';
import { toMessageDto } from '../conversations.mapper.js';
import { MessageStatus } from '../message.entity.js';

@ApiTags('chat')
@ApiBearerAuth('bearer')
@Controller('conversations')
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':conversationId/chat')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a message and stream the answer',
    description:
      'Answers text/event-stream: `user-message` (the saved user message), `delta` ({text}) events, then ' +
      '`message` (the saved assistant message with tokens and finishReason) or `error` ({code, message, ' +
      'message: partial}). Comment lines (`: ping`) are heartbeats. With `Accept: application/json` ' +
      'the same call returns the finished exchange in one response.',
  })
  @ApiProduces('text/event-stream', 'application/json')
  @ApiOkResponse({ type: ChatResultDto, description: 'With Accept: application/json' })
  async chatInConversation(
    @CurrentPrincipal() principal: Principal,
    @Param('conversationId', ParseUuidPipe) conversationId: string,
    @Body() body: ChatRequestDto,
    @Headers('accept') accept: string | undefined,
    // The reply is sent here in both modes (JSON or a hijacked stream), so Nest never
    // tries to send a second one.
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { agent, exchange } = await this.chat.prepare(principal, conversationId, body.content);
    const abort = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) abort.abort(new ClientGone());
    };
    reply.raw.on('close', onClose);

    if (wantsJson(accept)) {
      const outcome = await this.chat.generate(
        principal,
        agent,
        exchange,
        { userMessageSaved: () => undefined, delta: () => undefined },
        abort,
      );
      reply.raw.off('close', onClose);
      if (!reply.raw.destroyed) await reply.status(200).send(toChatResult(outcome));
      return;
    }

    reply.hijack();
    const sse = new SseWriter(reply.raw, reply.getHeaders(), this.config.chat.heartbeatMs);
    const outcome: ChatOutcome = await this.chat.generate(
      principal,
      agent,
      exchange,
      {
        userMessageSaved: (ex) => sse.event('user-message', toMessageDto(ex.userMessage)),
        delta: (text) => sse.event('delta', { text }),
      },
      abort,
    );
    const result = toChatResult(outcome);
    if (outcome.status === MessageStatus.Complete) {
      sse.event('message', { ...result.message, finishReason: outcome.finishReason });
    } else {
      sse.event('error', {
        code: outcome.errorCode,
        message:
          outcome.status === MessageStatus.Aborted
            ? 'The answer was stopped.'
            : 'The model provider failed; the partial answer was saved.',
        partial: result.message,
      });
    }
    sse.end();
    reply.raw.off('close', onClose);
  }
}

function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  return types.includes('application/json') && !types.includes('text/event-stream');
}
