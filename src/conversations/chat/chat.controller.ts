import { Body, Controller, Headers, HttpCode, Logger, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { AgentErrorCode } from '../../agents/agents.errors.js';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { AppException } from '../../core/errors/app.exception.js';
import { isDatabaseUnavailable } from '../../core/errors/dependency-errors.js';
import { CoreErrorCode } from '../../core/errors/error-codes.js';
import { CONVERSATION_NOT_FOUND } from '../conversations.controller.js';
import { ConversationErrorCode } from '../conversations.errors.js';
import { CHAT_IN_PROGRESS } from './chat.repository.js';
import type { FastifyReply } from 'fastify';
import { Inject } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { CurrentPrincipal } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ParseUuidPipe } from '../../core/http/parse-uuid.pipe.js';
import { ChatErrorCode, ChatService, type ChatOutcome } from './chat.service.js';
import { ClientGone } from './chat-streams.registry.js';
import {
  CHAT_EVENT_MODELS,
  ChatDeltaEventDto,
  ChatErrorEventDto,
  ChatMessageEventDto,
  ChatRequestDto,
  ChatResultDto,
  ChatUserMessageEventDto,
} from './dto/chat.dto.js';
import { toChatResult } from './chat.mapper.js';
import { SseWriter } from './sse-writer.js';
import { toMessageDto } from '../conversations.mapper.js';
import { MessageStatus } from '../message.entity.js';

@ApiTags('chat')
@ApiBearerAuth('bearer')
@Controller('conversations')
export class ChatController {
  private readonly logger = new Logger('Chat');

  constructor(
    private readonly chat: ChatService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':conversationId/chat')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a message and stream the answer',
    description:
      'Answers `text/event-stream` (unless `Accept` asks for `application/json` and not the stream). ' +
      'Each event is `event: <name>` and one `data:` line of JSON:\n\n' +
      '- `user-message`: the saved user message (a Message), first;\n' +
      '- `delta`: `{text}`, the next piece of the answer, repeated;\n' +
      '- `message`: the saved assistant message (a Message with its tokens) plus `finishReason`, last when the answer completes;\n' +
      '- `error`: `{code, message, partial}`, last when it ends early, `partial` being the assistant message saved with what arrived; ' +
      'when that end itself could not be saved (`DATABASE_UNAVAILABLE`, `MESSAGE_NOT_FOUND`: the conversation was deleted or cleared meanwhile, `INTERNAL_ERROR`), ' +
      '`partial` is the message as saved when the stream started (status `streaming`, until it is retired as `error` `INTERRUPTED`).\n\n' +
      'Comment lines (`: ping`) every CHAT_HEARTBEAT_MS are heartbeats. The schema of the stream is that of one event. ' +
      'With `Accept: application/json` the same call returns the finished exchange in one response. ' +
      'Every refusal (404, 403, 409, 429) comes before the stream starts, as problem details.',
  })
  @ApiExtraModels(ChatResultDto, ...CHAT_EVENT_MODELS)
  @ApiResponse({
    status: 200,
    description: 'The answer, streamed (text/event-stream) or finished (application/json)',
    content: {
      'text/event-stream': {
        schema: {
          oneOf: CHAT_EVENT_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
          discriminator: {
            propertyName: 'event',
            mapping: {
              'user-message': getSchemaPath(ChatUserMessageEventDto),
              delta: getSchemaPath(ChatDeltaEventDto),
              message: getSchemaPath(ChatMessageEventDto),
              error: getSchemaPath(ChatErrorEventDto),
            },
          },
        },
      },
      'application/json': { schema: { $ref: getSchemaPath(ChatResultDto) } },
    },
  })
  @ApiProblems(CONVERSATION_NOT_FOUND)
  @ApiProblems({
    403: {
      [AgentErrorCode.Disabled]: 'An administrator disabled the agent.',
      [AgentErrorCode.PremiumRequired]:
        'A premium agent, and the caller has neither the premium role nor a grant.',
    },
    404: { [AgentErrorCode.NotFound]: "The conversation's agent no longer exists." },
    409: {
      [CHAT_IN_PROGRESS]: 'An answer is already being generated in this conversation.',
    },
    429: {
      [AgentErrorCode.LimitReached]: {
        description:
          "The caller used up today's messages; `Retry-After` is the seconds until midnight UTC.",
        headers: ['Retry-After'],
        extensions: {
          limit: {
            type: 'integer',
            description: 'Messages allowed per UTC day (CHAT_LIMIT_REACHED only).',
          },
          resetsAt: {
            type: 'string',
            format: 'date-time',
            description: 'When the limit resets (CHAT_LIMIT_REACHED only).',
          },
        },
      },
      [ChatErrorCode.TooManyStreams]: {
        description: 'CHAT_MAX_STREAMS_PER_USER answers of the caller are streaming already.',
        headers: ['Retry-After'],
      },
    },
  })
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
    try {
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
    } catch (err) {
      // The end of the answer could not be saved: the stream still ends with an event.
      const unavailable = isDatabaseUnavailable(err);
      const code = unavailable ? CoreErrorCode.DatabaseUnavailable : saveFailureCode(err);
      if (unavailable) {
        this.logger.warn({ msg: 'answer not saved: the database is unavailable', conversationId });
      } else {
        this.logger.error({ msg: 'answer not saved', conversationId, err });
      }
      sse.event('error', {
        code,
        message: 'The answer could not be saved.',
        partial: toMessageDto(exchange.assistantMessage),
      });
    } finally {
      sse.end();
      reply.raw.off('close', onClose);
    }
  }
}

/** The `error` event's code when the end of an answer could not be saved (but not reached). */
function saveFailureCode(err: unknown): string {
  const gone: string = ConversationErrorCode.MessageNotFound;
  return err instanceof AppException && err.code === gone ? gone : CoreErrorCode.InternalError;
}

function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  return types.includes('application/json') && !types.includes('text/event-stream');
}
