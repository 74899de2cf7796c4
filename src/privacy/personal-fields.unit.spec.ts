import { describe, expect, it } from '@jest/globals';
import { storedPersonalValues, valueAt, withValueAt } from './personal-fields.js';

describe('personal fields', () => {
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
