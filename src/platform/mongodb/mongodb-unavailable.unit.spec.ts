import { describe, expect, it } from '@jest/globals';
import { isUnavailable } from './mongodb-helpers.js';

describe('which MongoDB failures mean "the store is unavailable"', () => {
  it('counts a socket the dead server ended (Node EPIPE, not wrapped by the driver)', () => {
    const ended = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    expect(isUnavailable(ended)).toBe(true);
    expect(isUnavailable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('does not count a bug or a server-side refusal', () => {
    expect(isUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(false);
  });
});
