#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, parseConfig } from '../config/ledger-config.js';
import { existingSigningKey } from '../evidence/stored-evidence.js';
import { verifyLedger } from '../evidence/verify-ledger.js';
import { PROJECTIONS, projectionNamed } from '../app.projections.js';
import { rebuildProjections } from '../projections/runner/rebuild.js';
import { openEventStore, openReadStore } from '../stores/open-stores.js';

/**
 * The ledger's command line, for operators: `ledger rebuild [projection...]` and
 * `ledger verify`. It reads the same environment variables as the server, so it works on
 * the same stores.
 */
const program = new Command('ledger').description('Privacy ledger operations').showHelpAfterError();

program
  .command('rebuild')
  .description(`Rebuild read models from position 0 (all, or some of: ${PROJECTIONS.map((p) => p.name).join(', ')}). Stop the server first.`)
  .argument('[projections...]', 'projection names', (name: string, previous: string[] = []) => {
    if (!projectionNamed(name)) throw new InvalidArgumentError(`unknown projection "${name}"`);
    return [...previous, name];
  })
  .action(async (names: string[]) => {
    const config = parseConfig(process.env);
    const chosen = names.length === 0 ? PROJECTIONS : PROJECTIONS.filter((p) => names.includes(p.name));
    const events = await openEventStore(config);
    const readStore = await openReadStore(config);
    try {
      let lastLine = 0;
      const result = await rebuildProjections(events, readStore, chosen, ({ events: done, total, elapsedMs }) => {
        if (Date.now() - lastLine < 1000 && done < total) return;
        lastLine = Date.now();
        const rate = elapsedMs > 0 ? Math.round((done / elapsedMs) * 1000) : 0;
        process.stderr.write(`rebuild: ${done} of ~${total} events (${rate} events/s)\n`);
      });
      const seconds = result.elapsedMs / 1000;
      console.log(
        `rebuilt ${result.projections.join(', ')}: ${result.events} events in ${seconds.toFixed(1)} s ` +
          `(${Math.round(result.events / Math.max(seconds, 0.001))} events/s), up to position ${result.lastPosition}`,
      );
    } finally {
      await Promise.all([events.close(), readStore.close()]);
    }
  });

program
  .command('verify')
  .description(
    'Check the hash chain of the whole event log: every event hash, each stream\'s chain and positions, and global order. ' +
      'Exit code 0: the log verifies; 2: it does not (the first bad event is named).',
  )
  .option('--allow-unhashed', 'accept events without a hash at the start of a stream (written before the hash chain existed)')
  .action(async (options: { allowUnhashed?: boolean }) => {
    const config = parseConfig(process.env);
    const events = await openEventStore(config);
    const readStore = await openReadStore(config);
    try {
      const result = await verifyLedger(events, readStore, existingSigningKey(config)?.publicKey ?? null, {
        allowUnhashed: options.allowUnhashed === true,
      });
      if (!result.ok) {
        console.error(`verify: FAILED ${result.reason}`);
        process.exitCode = 2;
        return;
      }
      const legacy = result.log.unhashed > 0 ? `, ${result.log.unhashed} unhashed legacy events` : '';
      console.log(
        `verify: OK: ${result.log.events} events in ${result.log.streams} streams, up to global position ${result.log.lastPosition}${legacy}; ` +
          `Merkle root ${result.merkleRoot} (${result.leaves} leaves); ${result.treeHeads} signed tree heads check out`,
      );
    } finally {
      await Promise.all([events.close(), readStore.close()]);
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
