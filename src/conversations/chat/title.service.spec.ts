import { describe, expect, it } from '@jest/globals';
import { cleanTitle, fallbackTitle } from './title.service.js';

describe('titles', () => {
  it('falls back to a cleaned, shortened first message', () => {
    expect(fallbackTitle('  How do I **rotate** my `API` keys?  ')).toBe(
      'How do I rotate my API keys?',
    );
    const long = fallbackTitle(
      'Please explain in detail how the migration orchestrator applies versioned SQL to many tenants',
    );
    expect(long.length).toBeLessThanOrEqual(61);
    expect(long.endsWith('…')).toBe(true);
    expect(fallbackTitle('```\ncode only\n```')).toBe('New conversation');
  });

  it('cleans a provider title and refuses an unusable one', () => {
    expect(cleanTitle('"Rotating API Keys."')).toBe('Rotating API Keys');
    expect(cleanTitle('Title: Key rotation')).toBe('Key rotation');
    expect(cleanTitle('   ')).toBeNull();
    expect(cleanTitle('x'.repeat(200))).toBeNull();
  });
});
