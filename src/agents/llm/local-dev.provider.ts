import type { GenerationEvent, GenerationRequest, LlmProvider } from './llm-provider.js';

export const LOCAL_DEV_MODEL = 'meridian-local-dev';
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), {
      once: true,
    });
  });

/**
 * Answers without any model, deterministically, and says that it is a development
 * stand-in: the embedded default works with no LLM configured.
 */
export class LocalDevProvider implements LlmProvider {
  readonly kind = 'local' as const;

  constructor(private readonly delayMs = 15) {}

  answerFor(request: GenerationRequest): string {
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const quoted = lastUser.replace(/\s+/g, ' ').trim().slice(0, 200);
    const turns = request.messages.filter((m) => m.role !== 'system').length;
    return (
      'I am the Meridian local development agent: no language model is configured (set LLM_BASE_URL). ' +
      `You said: "${quoted}". This conversation has ${turns} message${turns === 1 ? '' : 's'} in context.`
    );
  }

  async *stream(request: GenerationRequest): AsyncIterable<GenerationEvent> {
    const answer = this.answerFor(request);
    const words = answer.split(/(?<= )/);
    for (const word of words) {
      if (this.delayMs > 0) await sleep(this.delayMs, request.signal);
      request.signal.throwIfAborted();
      yield { type: 'delta', text: word };
    }
    const promptChars = request.messages.reduce((n, m) => n + m.content.length, 0);
    yield {
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: Math.ceil(promptChars / 4), completionTokens: words.length },
    };
  }
}
