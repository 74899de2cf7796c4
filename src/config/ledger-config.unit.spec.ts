import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, decodeMasterKey, parseConfig } from './ledger-config.js';

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
      masterKey: undefined,
      production: false,
      logLevel: 'info',
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
      LEDGER_LOG_LEVEL: 'Debug',
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
      logLevel: 'debug',
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
    ['LEDGER_LOG_LEVEL', 'verbose'],
    ['LEDGER_MASTER_KEY', 'secret'],
    ['LEDGER_MASTER_KEY', randomBytes(16).toString('base64')],
    ['LEDGER_MASTER_KEY', randomBytes(33).toString('hex').slice(0, 62)],
  ])('refuses %s=%j with an error naming the variable', (variable, value) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}:`));
  });

  describe('the master key', () => {
    const key = randomBytes(32);

    it.each([
      ['base64', key.toString('base64')],
      ['base64 without padding', key.toString('base64').replace(/=$/, '')],
      ['base64url', key.toString('base64url')],
      ['hex', key.toString('hex')],
      ['upper-case hex', key.toString('hex').toUpperCase()],
    ])('reads LEDGER_MASTER_KEY written as %s', (_form, text) => {
      expect(parseConfig({ LEDGER_MASTER_KEY: ` ${text} ` }).masterKey).toEqual(key);
    });

    it('refuses a base64 spelling whose spare bits are set (a typo, not a key)', () => {
      const text = key.toString('base64');
      const last = text[42] ?? 'A';
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const twisted = `${text.slice(0, 42)}${alphabet[(alphabet.indexOf(last) ^ 1) % 64]}=`;
      expect(decodeMasterKey(twisted)).toBeNull();
    });

    it('never shows the key it refuses in the error', () => {
      const secret = randomBytes(31).toString('base64');
      expect(() => parseConfig({ LEDGER_MASTER_KEY: secret })).toThrow(/^LEDGER_MASTER_KEY: must be 32 bytes/);
      expect(() => parseConfig({ LEDGER_MASTER_KEY: secret })).not.toThrow(secret);
    });

    it('is required when NODE_ENV=production, and the error names the variable', () => {
      expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
      expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/^LEDGER_MASTER_KEY: is required when NODE_ENV=production/);
      expect(parseConfig({ NODE_ENV: 'production', LEDGER_MASTER_KEY: key.toString('hex') })).toMatchObject({ production: true, masterKey: key });
    });

    it('may be left out outside production (a key is then generated into the data directory)', () => {
      expect(parseConfig({ NODE_ENV: 'development' })).toMatchObject({ production: false, masterKey: undefined });
    });
  });
});
