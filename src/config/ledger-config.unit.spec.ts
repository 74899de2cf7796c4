import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { ConfigError, parseConfig } from './ledger-config.js';

describe('configuration from the environment', () => {
  it('has the defaults of api.md', () => {
    expect(parseConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: resolve('./data'),
      eventStoreConnectionString: undefined,
      mongodbUrl: undefined,
      signingKey: undefined,
      erasureDays: 30,
      erasureSystems: ['crm', 'call-recordings', 'analytics', 'backups'],
      grievanceDays: undefined,
      jurisdiction: 'IN',
    });
  });

  it('reads every variable', () => {
    const config = parseConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      LEDGER_DATA_DIR: '/var/lib/ledger',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      MONGODB_URL: 'mongodb://localhost:27017/ledger',
      LEDGER_ERASURE_DAYS: '14',
      LEDGER_ERASURE_SYSTEMS: ' crm , backups ',
      LEDGER_GRIEVANCE_DAYS: '90',
      LEDGER_JURISDICTION: 'de',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/ledger',
      eventStoreConnectionString: 'esdb://localhost:2113?tls=false',
      mongodbUrl: 'mongodb://localhost:27017/ledger',
      erasureDays: 14,
      erasureSystems: ['crm', 'backups'],
      grievanceDays: 90,
      jurisdiction: 'DE',
    });
  });

  it('reads LEDGER_GRIEVANCE_DAYS at its bounds, and a blank value as unset (one calendar month)', () => {
    expect(parseConfig({ LEDGER_GRIEVANCE_DAYS: '1' }).grievanceDays).toBe(1);
    expect(parseConfig({ LEDGER_GRIEVANCE_DAYS: '3650' }).grievanceDays).toBe(3650);
    expect(parseConfig({ LEDGER_GRIEVANCE_DAYS: '  ' }).grievanceDays).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['LEDGER_ERASURE_DAYS', '0'],
    ['LEDGER_ERASURE_DAYS', '1.5'],
    ['LEDGER_GRIEVANCE_DAYS', '0'],
    ['LEDGER_GRIEVANCE_DAYS', '3651'],
    ['LEDGER_GRIEVANCE_DAYS', '-5'],
    ['LEDGER_GRIEVANCE_DAYS', 'month'],
    ['LEDGER_ERASURE_SYSTEMS', ' , '],
    ['LEDGER_ERASURE_SYSTEMS', 'crm,CRM Backup'],
    ['LEDGER_ERASURE_SYSTEMS', 'crm,crm'],
    ['EVENTSTORE_CONNECTION_STRING', 'http://localhost:2113'],
    ['MONGODB_URL', 'not a url'],
    ['LEDGER_JURISDICTION', 'India'],
    ['LEDGER_JURISDICTION', 'XX'],
  ])('refuses %s=%j with an error naming the variable', (variable, value) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}:`));
  });
});
