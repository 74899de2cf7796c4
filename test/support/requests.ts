import { randomUUID } from 'node:crypto';

/** Builders of valid command bodies; tests override what they are about. */
export const newTenant = (): string => `t-${randomUUID().slice(0, 8)}`;
export const newSubject = (): string => `s-${randomUUID()}`;

export const subjectPath = (tenantId: string, subjectId: string): string => `/v1/tenants/${tenantId}/subjects/${subjectId}`;

export const consentBody = (overrides: Record<string, unknown> = {}) => ({
  purposes: ['crm-access', 'usage-analytics'],
  policyVersion: '2024-06',
  channel: 'web',
  subjectType: 'end-user',
  evidence: { ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0', contact: 'asha@example.com' },
  ...overrides,
});

export const transferBody = (overrides: Record<string, unknown> = {}) => ({
  recipient: { id: 'aws-sg', name: 'Amazon Web Services', kind: 'cloud-host' },
  country: 'SG',
  dataCategories: ['pii.name', 'pii.phone-number'],
  purpose: 'crm-access',
  legalBasis: 'consent',
  reference: 'nightly-sync',
  ...overrides,
});
