import { describe, expect, it } from '@jest/globals';
import { accessDenial, AgentAccessDenial } from './agent-access.js';

describe('accessDenial', () => {
  it('opens a regular agent to everyone', () => {
    expect(accessDenial([], false, false)).toBeNull();
  });

  it('opens a premium agent to the premium and admin roles', () => {
    expect(accessDenial(['premium'], true, false)).toBeNull();
    expect(accessDenial(['admin'], true, false)).toBeNull();
  });

  it('opens a premium agent to a grantee', () => {
    expect(accessDenial(['user'], true, true)).toBeNull();
  });

  it('closes a premium agent to anyone else', () => {
    expect(accessDenial(['user', 'staff'], true, false)).toBe(AgentAccessDenial.PremiumRequired);
  });
});
