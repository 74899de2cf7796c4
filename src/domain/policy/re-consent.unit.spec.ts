import { describe, expect, it } from '@jest/globals';
import { needsReConsent, reConsentBaseline, type PolicyVersionTiming } from './re-consent.js';

const policy = (version: string, effectiveFrom: string, material: boolean): PolicyVersionTiming => ({ version, effectiveFrom, material });

describe('the re-consent rule', () => {
  describe('without a material version', () => {
    it('has no baseline, so nobody must re-consent', () => {
      expect(reConsentBaseline([])).toBeNull();
      expect(reConsentBaseline([policy('v1', '2026-01-01T00:00:00.000Z', false)])).toBeNull();
    });
  });

  describe('with one material version', () => {
    const baseline = reConsentBaseline([
      policy('v0', '2025-06-01T00:00:00.000Z', false),
      policy('v1', '2026-01-01T00:00:00.000Z', true),
      policy('v1.1', '2026-02-01T00:00:00.000Z', false),
    ])!;

    it('takes it as the baseline, with the versions effective from it on as current', () => {
      expect(baseline).toEqual({
        materialVersion: 'v1',
        effectiveFrom: '2026-01-01T00:00:00.000Z',
        currentVersions: ['v1', 'v1.1'],
      });
    });

    it('asks for re-consent of a grant under an earlier version', () => {
      expect(needsReConsent('v0', baseline)).toBe(true);
    });

    it('asks for re-consent of a grant under a label never published', () => {
      expect(needsReConsent('2019-legacy', baseline)).toBe(true);
      expect(needsReConsent('', baseline)).toBe(true);
    });

    it('does not ask again of a grant under the material version or a later non-material one', () => {
      expect(needsReConsent('v1', baseline)).toBe(false);
      expect(needsReConsent('v1.1', baseline)).toBe(false);
    });
  });

  describe('with several material versions', () => {
    it('takes the latest by effectiveFrom, whatever the publication order', () => {
      const baseline = reConsentBaseline([
        policy('2026-06', '2026-06-01T00:00:00.000Z', true),
        policy('2026-03', '2026-03-01T00:00:00.000Z', true),
        policy('2026-04-fix', '2026-04-01T00:00:00.000Z', false),
      ]);
      expect(baseline).toEqual({ materialVersion: '2026-06', effectiveFrom: '2026-06-01T00:00:00.000Z', currentVersions: ['2026-06'] });
      expect(needsReConsent('2026-03', baseline!)).toBe(true);
      expect(needsReConsent('2026-04-fix', baseline!)).toBe(true);
    });

    it('compares instants, not spellings', () => {
      const baseline = reConsentBaseline([policy('a', '2026-03-01T00:00:00.000Z', true), policy('b', '2026-03-01T05:00:00+05:30', true)]);
      // b is effective at 2026-02-28T23:30Z: earlier than a.
      expect(baseline?.materialVersion).toBe('a');
      expect(baseline?.currentVersions).toEqual(['a']);
    });

    it('on a tie takes the one published last, and counts both as current', () => {
      const baseline = reConsentBaseline([
        policy('first', '2026-03-01T00:00:00.000Z', true),
        policy('second', '2026-03-01T00:00:00.000Z', true),
      ]);
      expect(baseline).toEqual({
        materialVersion: 'second',
        effectiveFrom: '2026-03-01T00:00:00.000Z',
        currentVersions: ['first', 'second'],
      });
    });
  });

  it('sets the baseline with a material version not yet in effect (people are asked ahead)', () => {
    const baseline = reConsentBaseline([policy('v1', '2026-01-01T00:00:00.000Z', true), policy('v2', '2099-01-01T00:00:00.000Z', true)]);
    expect(baseline?.materialVersion).toBe('v2');
    expect(needsReConsent('v1', baseline!)).toBe(true);
  });
});
