import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../core/errors/app.exception.js';
import { isDatabaseUnavailable } from '../../core/errors/dependency-errors.js';
import { CoreErrorCode } from '../../core/errors/error-codes.js';
import { accessDenial } from '../../agents/agent-access.js';
import { AgentProvider } from '../../agents/agent.entity.js';
import { utcDay } from '../../agents/daily-limits.js';
import { AgentsService } from '../../agents/agents.service.js';
import { UsageService } from '../../agents/usage.service.js';
import type { UsableAgent } from '../../agents/agents.service.js';
import { fitContext } from '../../agents/llm/context-window.js';
import { describeProviderFailure, LlmError, type ChatTurn } from '../../agents/llm/llm-provider.js';
import { LlmProviders } from '../../agents/llm/llm-providers.service.js';
import type { Principal } from '../../auth/principal.js';
import { ConversationsService } from '../conversations.service.js';
import { conversationNotFound, messageNotFound } from '../conversations.errors.js';
import { DEFAULT_HISTORY_MESSAGES, MessagesService } from '../messages.service.js';
import { MessageStatus, type Message } from '../message.entity.js';
import { CHAT_IN_PROGRESS, ChatRepository, type Exchange } from './chat.repository.js';
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
 * (client gone, shutdown), provider errors and timeouts end with a saved status. Three
 * round trips to the database: the start (checks, both messages, the history), the end
 * (the answer and the usage), and the title after a first exchange.
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

  /**
   * Everything that can refuse the request, before a response is started: 404 (the
   * conversation), 404/403 (its agent), 429 (the daily limit, then the streams of the
   * caller), 409 (a generation runs), in that order. One round trip (ChatRepository):
   * the same statement inserts the exchange when nothing refuses it.
   */
  async prepare(
    principal: Principal,
    conversationId: string,
    content: string,
  ): Promise<{ agent: UsableAgent; exchange: Exchange }> {
    const now = new Date();
    const dailyLimit = this.usage.limitFor(principal);
    const overStreamCap =
      this.streams.countForUser(principal.userId) >= this.config.chat.maxStreamsPerUser;
    const start = await this.chatRepository.startExchange({
      userId: principal.userId,
      conversationId,
      content,
      // A premium agent without a grant is open to the caller when this says so.
      premiumByRole: accessDenial(principal.roles, true, false) === null,
      dailyLimit,
      day: utcDay(now),
      overStreamCap,
      defaultModels: {
        openai: this.agents.defaultModel(AgentProvider.OpenAi),
        local: this.agents.defaultModel(AgentProvider.Local),
      },
      staleAfterMs: this.config.chat.timeoutMs + 60_000,
      historyMessages: DEFAULT_HISTORY_MESSAGES,
    });
    if (!start.conversationFound) throw conversationNotFound();
    const agent = this.agents.usableForChat(principal, start.agent);
    this.usage.assertBelowLimit(dailyLimit, start.sentToday, now);
    if (overStreamCap) {
      throw new AppException(
        429,
        ChatErrorCode.TooManyStreams,
        `At most ${this.config.chat.maxStreamsPerUser} answers can stream at once.`,
        {
          headers: { 'retry-after': '5' },
        },
      );
    }
    if (!start.allowed) {
      // The statement's checks and the rules above disagree: a bug, not a refusal.
      throw new Error(`chat: the exchange in ${conversationId} was refused for no known reason`);
    }
    if (!start.exchange) {
      throw new AppException(
        409,
        CHAT_IN_PROGRESS,
        'An answer is already being generated in this conversation.',
      );
    }
    return { agent, exchange: start.exchange };
  }

  /**
   * Streams the answer to `observer` and saves how it ended. Rejects only when that end
   * cannot be saved (the database is unreachable, or the conversation went meanwhile).
   */
  async generate(
    principal: Principal,
    agent: UsableAgent,
    exchange: Exchange,
    observer: ChatObserver,
    abort: AbortController,
  ): Promise<ChatOutcome> {
    const release = this.streams.add(principal.userId, exchange.conversationId, abort);
    try {
      const outcome = await this.answer(agent, exchange, observer, abort);
      await this.finish(principal, agent, outcome);
      return outcome;
    } finally {
      release();
    }
  }

  /** The answer as it ended: complete, aborted (client gone, shutdown) or error. */
  private async answer(
    agent: UsableAgent,
    exchange: Exchange,
    observer: ChatObserver,
    abort: AbortController,
  ): Promise<ChatOutcome> {
    let content = '';
    // One timer re-armed on every delta (refresh), not a new one per delta.
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (idle) idle.refresh();
      else idle = setTimeout(() => abort.abort(new IdleTimeout()), this.config.chat.idleTimeoutMs);
    };
    const overall = setTimeout(() => abort.abort(new IdleTimeout()), this.config.chat.timeoutMs);
    try {
      observer.userMessageSaved(exchange);
      const history = exchange.history ?? (await this.messages.history(exchange.conversationId));
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
      return {
        exchange,
        message: exchange.assistantMessage,
        status: MessageStatus.Complete,
        content,
        finishReason,
        promptTokens: usage?.promptTokens,
        completionTokens: usage?.completionTokens,
      };
    } catch (err) {
      const reason: unknown = abort.signal.aborted ? abort.signal.reason : err;
      if (reason instanceof ClientGone || reason instanceof ShutdownAbort) {
        return {
          exchange,
          message: exchange.assistantMessage,
          status: MessageStatus.Aborted,
          content,
          errorCode:
            reason instanceof ShutdownAbort ? ChatErrorCode.ShuttingDown : ChatErrorCode.Aborted,
        };
      }
      const outcome: ChatOutcome = {
        exchange,
        message: exchange.assistantMessage,
        status: MessageStatus.Error,
        content,
        errorCode:
          reason instanceof IdleTimeout
            ? ChatErrorCode.ProviderTimeout
            : reason instanceof LlmError
              ? reason.code
              : isDatabaseUnavailable(reason)
                ? CoreErrorCode.DatabaseUnavailable
                : 'PROVIDER_ERROR',
      };
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
      return outcome;
    } finally {
      clearTimeout(idle);
      clearTimeout(overall);
    }
  }

  /** Saves the end of the answer and counts it in the caller's usage: one round trip. */
  private async finish(
    principal: Principal,
    agent: UsableAgent,
    outcome: ChatOutcome,
  ): Promise<void> {
    const { exchange } = outcome;
    const usage = this.usage.entry(principal.userId, agent.id, {
      messages: 1,
      promptTokens: outcome.promptTokens ?? 0,
      completionTokens: outcome.completionTokens ?? 0,
    });
    const saved = await this.chatRepository.finishExchange(
      exchange.assistantMessage.id,
      {
        content: outcome.content,
        status: outcome.status,
        promptTokens: outcome.promptTokens ?? null,
        completionTokens: outcome.completionTokens ?? null,
        errorCode: outcome.errorCode ?? null,
      },
      usage,
    );
    if (!saved) throw messageNotFound();
    outcome.message = saved.message;
    if (!saved.usageRecorded) this.usage.skipped(usage);
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
