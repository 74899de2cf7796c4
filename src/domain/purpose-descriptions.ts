import type { PurposeId } from './catalogue.js';

/** What the policy says each purpose is for (domain.md), shown where a regulator reads purposes. */
export const PURPOSE_DESCRIPTIONS: Readonly<Record<PurposeId, string>> = {
  'account-registration': 'register and allow use of the product',
  'service-access': 'access to the websites, the product and third-party services',
  'usage-analytics': 'understand use of the website and product',
  'missed-call-notifications': 'real-time SMS / e-mail notices of missed calls',
  'call-analytics': 'call patterns, reporting, agent productivity, training',
  'actionable-insights': 'key metrics and customer-behaviour insights',
  'crm-access': 'access to Customer Data through the CRM tool',
  'browser-extension-calling': 'calls made from the browser extension',
  'policy-notifications': 'notices of technical updates and policy changes',
  'product-improvement': 'improving the website and product',
  'marketing-communications': 'telling about products and services, directly or via third parties',
  'analytics-cookies': 'analytics cookies (opt-out allowed)',
  'advertising-cookies': 'display advertising and remarketing cookies (opt-out allowed)',
};
