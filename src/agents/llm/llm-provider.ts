export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerationRequest {
  model: string;
  messages: ChatTurn[];
  temperature?: number | null;
  maxTokens?: number | null;
  signal: AbortSignal;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type GenerationEvent =
  { type: 'delta'; text: string } | { type: 'done'; finishReason: string; usage?: TokenUsage };

/** A chat model behind one interface: the OpenAI-compatible client or the local agent. */
export interface LlmProvider {
  readonly kind: 'openai' | 'local';
  /** Streams the answer; aborting `signal` ends the upstream request at once. */
  stream(request: GenerationRequest): AsyncIterable<GenerationEvent>;
}

/** Why a generation failed, as a stable code stored on the message and sent to clients. */
export class LlmError extends Error {
  constructor(
    readonly code:
      'PROVIDER_ERROR' | 'PROVIDER_TIMEOUT' | 'PROVIDER_UNAVAILABLE' | 'PROVIDER_REJECTED',
    message: string,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}
