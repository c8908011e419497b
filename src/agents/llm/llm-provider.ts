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
    /** What the provider or the network said, for the log (already free of secrets). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

/** Key-like strings a provider may echo back in an error message. */
const SECRET_LIKE =
  /\b(sk|pk|rk|key|tok)[-_][A-Za-z0-9_-]{6,}|\bBearer\s+\S+|\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;

/**
 * A one-line account of why a provider call failed, for the log: HTTP status, the
 * provider's error type and message, or the network error's code and cause, with
 * anything that looks like a key or token masked and the length bounded.
 */
export function describeProviderFailure(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current) && parts.length < 4) {
    seen.add(current);
    const e = current as {
      status?: unknown;
      code?: unknown;
      type?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    const bits = [
      typeof e.status === 'number' ? `status ${e.status}` : '',
      typeof e.code === 'string' ? e.code : '',
      typeof e.type === 'string' ? e.type : '',
      typeof e.message === 'string' ? e.message : '',
    ].filter(Boolean);
    if (bits.length > 0) parts.push(bits.join(' '));
    current = e.cause;
  }
  const text = (parts.length > 0 ? parts.join(' <- ') : String(err)).replace(
    SECRET_LIKE,
    '[redacted]',
  );
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
