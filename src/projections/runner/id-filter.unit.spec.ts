import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { IdFilter } from './id-filter.js';

describe('the rebuild’s id filter', () => {
  it('knows every id it was given, across its growth from one filter to several', () => {
    const filter = new IdFilter(1000);
    const ids = Array.from({ length: 50_000 }, () => randomUUID());
    for (const id of ids) filter.add(id);
    expect(ids.filter((id) => !filter.mightHave(id))).toEqual([]);
  });

  it('says no to nearly every id it was not given', () => {
    const filter = new IdFilter(1000);
    for (let i = 0; i < 50_000; i++) filter.add(`acme:subject-${i}`);
    const strangers = Array.from({ length: 20_000 }, (_, i) => `acme:subject-${i + 1_000_000}`);
    const claimed = strangers.filter((id) => filter.mightHave(id)).length;
    // About 1% per filter, and an id is checked against each of the (seven) filters.
    expect(claimed / strangers.length).toBeLessThan(0.05);
  });

  it('holds nothing when empty', () => {
    expect(new IdFilter().mightHave('a')).toBe(false);
  });
});
