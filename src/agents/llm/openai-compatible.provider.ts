import type OpenAI from 'openai';
import { lazyModule } from '../../core/modules/lazy-module.js';
import {
  describeProviderFailure,
  LlmError,
  type GenerationEvent,
  type GenerationRequest,
  type LlmProvider,
} from './llm-provider.js';

/** The SDK loads with the first request, not with every start (bench/README.md, cold start). */
const sdk = lazyModule<typeof import('openai')>('openai');

/**
 * Any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, Ollama, LiteLLM...):
 * streaming with a usage block, aborted through the request's signal.
 */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly kind = 'openai' as const;
  private sdkClient?: OpenAI;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  private get client(): OpenAI {
    return (this.sdkClient ??= new (sdk().default)({
      baseURL: this.baseUrl,
      apiKey: this.apiKey ?? 'unused',
      timeout: this.timeoutMs,
      maxRetries: 0,
    }));
  }

  async *stream(request: GenerationRequest): AsyncIterable<GenerationEvent> {
    let finishReason = 'stop';
    let usage: { promptTokens: number; completionTokens: number } | undefined;
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: request.model,
          messages: request.messages,
          stream: true,
          stream_options: { include_usage: true },
          ...(request.temperature != null ? { temperature: request.temperature } : {}),
          ...(request.maxTokens != null ? { max_tokens: request.maxTokens } : {}),
        },
        { signal: request.signal },
      );
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const text = choice?.delta?.content;
        if (text) yield { type: 'delta', text };
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage) {
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
        }
      }
      // The SDK ends the iteration quietly when the request is aborted: that is not an answer.
      request.signal.throwIfAborted();
    } catch (err) {
      if (request.signal.aborted || err instanceof sdk().APIUserAbortError) throw err;
      throw toLlmError(err);
    }
    yield { type: 'done', finishReason, usage };
  }
}

function toLlmError(err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  const detail = describeProviderFailure(err);
  const { APIConnectionError, APIConnectionTimeoutError, APIError } = sdk();
  if (err instanceof APIConnectionTimeoutError)
    return new LlmError('PROVIDER_TIMEOUT', 'The model provider timed out.', detail);
  if (err instanceof APIConnectionError)
    return new LlmError('PROVIDER_UNAVAILABLE', 'The model provider could not be reached.', detail);
  if (
    err instanceof APIError &&
    err.status !== undefined &&
    err.status >= 400 &&
    err.status < 500
  ) {
    return new LlmError(
      'PROVIDER_REJECTED',
      `The model provider refused the request (${err.status}).`,
      detail,
    );
  }
  return new LlmError('PROVIDER_ERROR', 'The model provider failed while answering.', detail);
}
