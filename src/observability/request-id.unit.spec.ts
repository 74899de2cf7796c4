import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { requestIdGenerator, saneRequestId } from './request-id.js';

const fresh = { newId: () => 'fresh-id' };
const requestWith = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as IncomingMessage;

describe('the request id', () => {
  it.each(['0f8fa6b2-2c1e-4b4e-9a57-1f0b7a8c9d10', 'req-7', 'gw-2026.03:abc_123', 'A'.repeat(128)])('keeps a plain token: %s', (token) => {
    expect(saneRequestId(token)).toBe(token);
    expect(requestIdGenerator(fresh)(requestWith({ 'x-request-id': token }))).toBe(token);
  });

  it.each([
    ['an e-mail address', 'asha@example.com'],
    ['a space', 'my request'],
    ['a quote or brace', 'id"}'],
    ['a line break', 'id\nlevel=error'],
    ['a leading dash', '-rf'],
    ['129 characters', 'A'.repeat(129)],
    ['nothing', ''],
  ])('replaces one with %s by a fresh id', (_what, value) => {
    expect(saneRequestId(value)).toBeUndefined();
    expect(requestIdGenerator(fresh)(requestWith({ 'x-request-id': value }))).toBe('fresh-id');
  });

  it('replaces a repeated header, and makes one when there is none', () => {
    expect(requestIdGenerator(fresh)(requestWith({ 'x-request-id': ['a', 'b'] }))).toBe('fresh-id');
    expect(requestIdGenerator(fresh)(requestWith({}))).toBe('fresh-id');
  });
});
