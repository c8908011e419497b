import type { ChatTurn } from './llm-provider.js';

/** About four characters per token plus per-message overhead: a conservative estimate. */
export function estimateTokens(turn: ChatTurn): number {
  return Math.ceil(turn.content.length / 4) + 4;
}

/**
 * The system prompt plus as much recent history as fits the budget, dropping the oldest
 * turns first; the newest turn (the user's message) is always kept.
 */
export function fitContext(
  systemPrompt: string,
  history: ChatTurn[],
  budgetTokens: number,
): ChatTurn[] {
  const system: ChatTurn = { role: 'system', content: systemPrompt };
  let remaining = budgetTokens - estimateTokens(system);
  const kept: ChatTurn[] = [];
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i];
    const cost = estimateTokens(turn);
    if (cost > remaining && kept.length > 0) break;
    kept.unshift(turn);
    remaining -= cost;
  }
  return [system, ...kept];
}
