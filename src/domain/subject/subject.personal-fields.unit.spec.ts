import { describe, expect, it } from '@jest/globals';
import { personalFieldList, personalPaths } from './subject.personal-fields.js';

describe('personal fields', () => {
  it('names the personal paths of each event type of the issue', () => {
    expect(personalPaths('consent-given')).toEqual(['evidence.ipAddress', 'evidence.userAgent', 'evidence.contact']);
    expect(personalPaths('consent-withdrawn')).toEqual(['reason']);
    expect(personalPaths('deletion-requested')).toEqual(['reason']);
    expect(personalPaths('deletion-completed')).toEqual(['evidence']);
    expect(personalPaths('data-transferred')).toEqual(['reference']);
    expect(personalPaths('grievance-lodged')).toEqual(['description']);
    expect(personalPaths('recipient-notified')).toEqual(['evidence']);
  });

  it('has none for the shredding event or an unknown type', () => {
    expect(personalPaths('subject-data-shredded')).toEqual([]);
    expect(personalPaths('something-else')).toEqual([]);
  });

  it('lists every declared field as type/path', () => {
    expect(personalFieldList()).toEqual(
      expect.arrayContaining([
        'consent-given/evidence.contact',
        'consent-withdrawn/reason',
        'deletion-completed/evidence',
        'data-transferred/reference',
      ]),
    );
  });
});
