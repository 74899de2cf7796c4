import { describe, expect, it } from '@jest/globals';
import {
  personalFieldList,
  personalPaths,
  storedPersonalValues,
  valueAt,
  withValueAt,
} from './personal-fields.js';

describe('personal fields', () => {
  it('names the personal paths of each event type of the issue', () => {
    expect(personalPaths('consent-given')).toEqual(['evidence.ipAddress', 'evidence.userAgent', 'evidence.contact']);
    expect(personalPaths('consent-withdrawn')).toEqual(['reason']);
    expect(personalPaths('deletion-requested')).toEqual(['reason']);
    expect(personalPaths('deletion-completed')).toEqual(['evidence']);
    expect(personalPaths('data-transferred')).toEqual(['reference']);
    expect(personalPaths('grievance-lodged')).toEqual(['description']);
  });

  it('has none for the shredding event or an unknown type', () => {
    expect(personalPaths('subject-data-shredded')).toEqual([]);
    expect(personalPaths('something-else')).toEqual([]);
  });

  it('lists every declared field as type/path', () => {
    expect(personalFieldList()).toEqual(
      expect.arrayContaining(['consent-given/evidence.contact', 'consent-withdrawn/reason', 'deletion-completed/evidence', 'data-transferred/reference']),
    );
  });

  describe('paths into event data', () => {
    const data = { purposes: ['crm-access'], evidence: { ipAddress: '203.0.113.7', contact: 'a@b.c' }, reason: null };

    it('reads the value at a path, undefined where any step is missing', () => {
      expect(valueAt(data, 'evidence.contact')).toBe('a@b.c');
      expect(valueAt(data, 'evidence.userAgent')).toBeUndefined();
      expect(valueAt(data, 'reason')).toBeNull();
      expect(valueAt(data, 'reason.text')).toBeUndefined();
      expect(valueAt(data, 'purposes.length')).toBeUndefined();
      expect(valueAt(data, 'toString')).toBeUndefined();
    });

    it('replaces a value without touching the original or anything off the path', () => {
      const before = structuredClone(data);
      const after = withValueAt(data, 'evidence.contact', 'sealed');
      expect(after).toEqual({ ...data, evidence: { ipAddress: '203.0.113.7', contact: 'sealed' } });
      expect(data).toEqual(before);
      expect(after['purposes']).toBe(data.purposes);
      expect(withValueAt(data, 'evidence.userAgent', 'x')).toEqual(data);
      expect(withValueAt(data, 'missing.path', 'x')).toEqual(data);
    });

    it('gives the personal values an event holds, skipping absent optional fields', () => {
      expect(storedPersonalValues('consent-given', data)).toEqual([
        { path: 'evidence.ipAddress', value: '203.0.113.7' },
        { path: 'evidence.contact', value: 'a@b.c' },
      ]);
      expect(storedPersonalValues('consent-given', { purposes: [] })).toEqual([]);
      expect(storedPersonalValues('data-transferred', { reference: 'JOB-1' })).toEqual([{ path: 'reference', value: 'JOB-1' }]);
    });
  });
});
