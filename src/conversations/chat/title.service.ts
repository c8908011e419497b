import { Injectable, Logger } from '@nestjs/common';
import { LlmProviders } from '../../agents/llm/llm-providers.service.js';
import type { ChatTurn } from '../../agents/llm/llm-provider.js';

const TITLE_PROMPT =
  'Write a short title (at most 6 words) for a conversation that starts with the exchange below. ' +
  'Answer with the title only, without quotes or punctuation at the end.';
const MAX_TITLE = 80;

/** A cleaned, shortened first user message: the title when the provider gives none. */
export function fallbackTitle(firstUserMessage: string): string {
  const clean = firstUserMessage
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/[#*_`>[\]()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!clean) return 'New conversation';
  if (clean.length <= 60) return clean;
  const cut = clean.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

export function cleanTitle(raw: string): string | null {
  const title = raw
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'«“]+|["'»”]+$/g, '')
    .replace(/^title:\s*/i, '')
    .replace(/[.\s]+$/, '')
    .trim();
  if (!title || title.length > MAX_TITLE) return null;
  return title;
}

/** Titles a conversation after its first exchange, by the agent's provider. */
@Injectable()
export class TitleService {
  private readonly logger = new Logger('Titles');

  constructor(private readonly providers: LlmProviders) {}

  async titleFor(
    agent: { provider: 'openai' | 'local'; model: string },
    userMessage: string,
    assistantMessage: string,
    timeoutMs = 10_000,
  ): Promise<string> {
    if (agent.provider === 'local') return fallbackTitle(userMessage);
    const messages: ChatTurn[] = [
      { role: 'system', content: TITLE_PROMPT },
      {
        role: 'user',
        content: `User: ${userMessage.slice(0, 2000)}\n\nAssistant: ${assistantMessage.slice(0, 2000)}`,
      },
    ];
    try {
      let text = '';
      for await (const event of this.providers.for(agent.provider).stream({
        model: agent.model,
        messages,
        temperature: 0.2,
        maxTokens: 24,
        signal: AbortSignal.timeout(timeoutMs),
      })) {
        if (event.type === 'delta') text += event.text;
      }
      return cleanTitle(text) ?? fallbackTitle(userMessage);
    } catch (err) {
      this.logger.warn(
        `titling failed, using the first message: ${err instanceof Error ? err.message : String(err)}`,
      );
      return fallbackTitle(userMessage);
    }
  }
}
