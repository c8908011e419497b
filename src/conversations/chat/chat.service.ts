import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../core/errors/app.exception.js';
import { AgentsService } from '../../agents/agents.service.js';
import { UsageService } from '../../agents/usage.service.js';
import type { UsableAgent } from '../../agents/agents.service.js';
import { fitContext } from '../../agents/llm/context-window.js';
import { describeProviderFailure, LlmError, type ChatTurn } from '../../agents/llm/llm-provider.js';
import { LlmProviders } from '../../agents/llm/llm-providers.service.js';
import type { Principal } from '../../auth/principal.js';
import { ConversationsService } from '../conversations.service.js';
import { MessagesService } from '../messages.service.js';
import { MessageStatus, type Message } from '../message.entity.js';
import { ChatRepository, type Exchange } from './chat.repository.js';
import { ChatStreams, ClientGone, IdleTimeout, ShutdownAbort } from './chat-streams.registry.js';
import { TitleService } from './title.service.js';

export enum ChatErrorCode {
  TooManyStreams = 'TOO_MANY_STREAMS',
  Aborted = 'GENERATION_ABORTED',
  ShuttingDown = 'SERVER_SHUTTING_DOWN',
  ProviderTimeout = 'PROVIDER_TIMEOUT',
}

/** What the caller of a generation hears about, in order. */
export interface ChatObserver {
  userMessageSaved(exchange: Exchange): void;
  delta(text: string): void;
}

export interface ChatOutcome {
  exchange: Exchange;
  /** The assistant message as saved at the end. */
  message: Message;
  status: MessageStatus.Complete | MessageStatus.Aborted | MessageStatus.Error;
  content: string;
  finishReason?: string;
  errorCode?: string;
  promptTokens?: number;
  completionTokens?: number;
}

/**
 * One exchange: checks (ownership, agent access, daily limit, concurrency) before any
 * generation, then streams the provider's answer into the assistant message. Aborts
 * (client gone, shutdown), provider errors and timeouts end with a saved status.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger('Chat');

  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly chatRepository: ChatRepository,
    private readonly agents: AgentsService,
    private readonly usage: UsageService,
    private readonly providers: LlmProviders,
    private readonly streams: ChatStreams,
    private readonly titles: TitleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Everything that can refuse the request, before a response is started. */
  async prepare(
    principal: Principal,
    conversationId: string,
    content: string,
  ): Promise<{ agent: UsableAgent; exchange: Exchange }> {
    const conversation = await this.conversations.getOwned(principal.userId, conversationId);
    const agent = await this.agents.resolveForChat(principal, conversation.agentId);
    await this.usage.assertWithinLimit(principal);
    if (this.streams.countForUser(principal.userId) >= this.config.chat.maxStreamsPerUser) {
      throw new AppException(
        429,
        ChatErrorCode.TooManyStreams,
        `At most ${this.config.chat.maxStreamsPerUser} answers can stream at once.`,
        {
          headers: { 'retry-after': '5' },
        },
      );
    }
    const exchange = await this.chatRepository.startExchange(
      principal.userId,
      conversation.id,
      content,
      agent.model,
      this.config.chat.timeoutMs + 60_000,
    );
    return { agent, exchange };
  }

  async generate(
    principal: Principal,
    agent: UsableAgent,
    exchange: Exchange,
    observer: ChatObserver,
    abort: AbortController,
  ): Promise<ChatOutcome> {
    const release = this.streams.add(principal.userId, exchange.conversationId, abort);
    let content = '';
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new IdleTimeout()), this.config.chat.idleTimeoutMs);
    };
    const overall = setTimeout(() => abort.abort(new IdleTimeout()), this.config.chat.timeoutMs);
    try {
      observer.userMessageSaved(exchange);
      const history = await this.messages.history(exchange.conversationId);
      const turns: ChatTurn[] = history
        .filter((m) => m.id !== exchange.assistantMessage.id && m.content.length > 0)
        .map((m) => ({ role: m.role, content: m.content }));
      const budget = this.config.chat.contextTokens - (agent.maxTokens ?? 1024);
      const messages = fitContext(agent.systemPrompt, turns, Math.max(budget, 256));
      armIdle();
      let finishReason = 'stop';
      let usage: { promptTokens: number; completionTokens: number } | undefined;
      for await (const event of this.providers.for(agent.provider).stream({
        model: agent.model,
        messages,
        temperature: agent.temperature,
        maxTokens: agent.maxTokens,
        signal: abort.signal,
      })) {
        if (event.type === 'delta') {
          armIdle();
          content += event.text;
          observer.delta(event.text);
        } else {
          finishReason = event.finishReason;
          usage = event.usage;
        }
      }
      const outcome: ChatOutcome = {
        exchange,
        message: exchange.assistantMessage,
        status: MessageStatus.Complete,
        content,
        finishReason,
        promptTokens: usage?.promptTokens,
        completionTokens: usage?.completionTokens,
      };
      await this.finish(principal, agent, outcome);
      return outcome;
    } catch (err) {
      const reason: unknown = abort.signal.aborted ? abort.signal.reason : err;
      const outcome: ChatOutcome =
        reason instanceof ClientGone || reason instanceof ShutdownAbort
          ? {
              exchange,
              message: exchange.assistantMessage,
              status: MessageStatus.Aborted,
              content,
              errorCode:
                reason instanceof ShutdownAbort
                  ? ChatErrorCode.ShuttingDown
                  : ChatErrorCode.Aborted,
            }
          : {
              exchange,
              message: exchange.assistantMessage,
              status: MessageStatus.Error,
              content,
              errorCode:
                reason instanceof IdleTimeout
                  ? ChatErrorCode.ProviderTimeout
                  : reason instanceof LlmError
                    ? reason.code
                    : 'PROVIDER_ERROR',
            };
      if (outcome.status === MessageStatus.Error) {
        this.logger.warn({
          msg: `generation failed: ${outcome.errorCode}`,
          code: outcome.errorCode,
          cause:
            reason instanceof LlmError
              ? (reason.detail ?? reason.message)
              : reason instanceof IdleTimeout
                ? `no delta within LLM_IDLE_TIMEOUT_MS, or the answer took longer than LLM_TIMEOUT_MS`
                : describeProviderFailure(reason),
          agentId: agent.id,
          provider: agent.provider,
          model: agent.model,
          conversationId: exchange.conversationId,
          messageId: exchange.assistantMessage.id,
        });
      }
      await this.finish(principal, agent, outcome);
      return outcome;
    } finally {
      clearTimeout(idle);
      clearTimeout(overall);
      release();
    }
  }

  private async finish(
    principal: Principal,
    agent: UsableAgent,
    outcome: ChatOutcome,
  ): Promise<void> {
    const { exchange } = outcome;
    outcome.message = await this.messages.updateMessage(exchange.assistantMessage.id, {
      content: outcome.content,
      status: outcome.status,
      promptTokens: outcome.promptTokens ?? null,
      completionTokens: outcome.completionTokens ?? null,
      errorCode: outcome.errorCode ?? null,
    });
    await this.usage.record(principal.userId, agent.id, {
      messages: 1,
      promptTokens: outcome.promptTokens ?? 0,
      completionTokens: outcome.completionTokens ?? 0,
    });
    if (outcome.status === MessageStatus.Complete && exchange.firstExchange) {
      void this.titles
        .titleFor(agent, exchange.userMessage.content, outcome.content)
        .then((title) => this.conversations.setSystemTitle(exchange.conversationId, title))
        .catch((err: unknown) =>
          this.logger.warn(`could not title ${exchange.conversationId}: ${String(err)}`),
        );
    }
  }
}
