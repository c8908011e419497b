import { describe, expect, it } from '@jest/globals';
import { estimateTokens, fitContext } from './context-window.js';

const turn = (role: 'user' | 'assistant', n: number) => ({ role, content: 'x'.repeat(n) });

describe('fitContext', () => {
  it('keeps the system prompt and everything that fits', () => {
    const history = [turn('user', 40), turn('assistant', 40), turn('user', 40)];
    expect(fitContext('sys', history, 1000)).toEqual([
      { role: 'system', content: 'sys' },
      ...history,
    ]);
  });

  it('drops the oldest turns first to fit the budget', () => {
    const history = [turn('user', 400), turn('assistant', 400), turn('user', 40)];
    const budget =
      estimateTokens({ role: 'system', content: 'sys' }) +
      estimateTokens(history[1]) +
      estimateTokens(history[2]);
    const fitted = fitContext('sys', history, budget);
    expect(fitted.slice(1)).toEqual([history[1], history[2]]);
  });

  it('always keeps the newest turn even when it alone is over budget', () => {
    const fitted = fitContext('sys', [turn('user', 10), turn('user', 10_000)], 50);
    expect(fitted).toHaveLength(2);
    expect(fitted[1].content).toHaveLength(10_000);
  });
});
