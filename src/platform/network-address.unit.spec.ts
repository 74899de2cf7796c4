import { describe, expect, it } from '@jest/globals';
import { isPrivateAddress, refusedTarget } from './network-address.js';

describe('addresses a webhook must not reach', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.2.3',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses a URL whose host is, or resolves to, a private address, unless private targets are allowed', async () => {
    expect(await refusedTarget('http://127.0.0.1:3000/x', false)).toContain('127.0.0.1');
    expect(await refusedTarget('http://localhost/x', false)).toMatch(/loopback|does not resolve/);
    expect(await refusedTarget('http://[::1]/x', false)).toContain('::1');
    expect(await refusedTarget('http://127.0.0.1:3000/x', true)).toBeNull();
    expect(await refusedTarget('https://93.184.216.34/x', false)).toBeNull();
  });
});
