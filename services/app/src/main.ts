/**
 * Process entry point: `main.ts all` (every service, the default for `npm start`), `main.ts <service>`
 * (one service, server mode), or `main.ts migrate` (apply migrations and exit).
 */
import { loadConfig } from '@cov/shared/config/config';
import { createLogger } from '@cov/shared/logger';
import { connectDatabase } from '@cov/shared/db/client';
import { applyMigrations } from '@cov/shared/db/migrate';
import { stopOnSignals, TaskRunner } from '@cov/shared/runtime/task-runner';
import { serviceNames, type ServiceName } from '@cov/shared/runtime/service';
import { startNode } from './compose';
import { simulatorOffReason, startQuickstartSimulator, type QuickstartSimulator } from './quickstart-simulator';
import { fatalMessage } from './fatal-message';

async function main(argv: string[]): Promise<void> {
  const target = argv[0] ?? 'all';
  const config = loadConfig();
  const logger = createLogger(config, target === 'all' ? 'all-in-one' : target);

  if (target === 'migrate') {
    if (config.mode === 'embedded') {
      logger.info('embedded mode applies migrations at start; nothing to do');
      return;
    }
    const database = connectDatabase(config.DATABASE_URL, { maxConnections: 1 });
    await applyMigrations(database.db);
    await database.close();
    logger.info('migrations applied');
    return;
  }

  const services: readonly ServiceName[] = target === 'all' ? serviceNames : serviceNames.includes(target as ServiceName) ? [target as ServiceName] : [];
  if (services.length === 0) {
    process.stderr.write(`unknown service "${target}"; expected all, migrate or one of: ${serviceNames.join(', ')}\n`);
    process.exit(2);
  }
  if (config.mode === 'embedded' && services.length !== serviceNames.length) {
    logger.warn('embedded mode: running a single service on its own embedded database; set DATABASE_URL to share one');
  }
  const node = await startNode(config, { services, logger });
  const shutdown = new TaskRunner(logger).add({ name: 'node', start: async () => {}, stop: () => node.stop() });
  const simulatorOff = simulatorOffReason(config, services.length, serviceNames.length);
  let simulator: QuickstartSimulator | undefined;
  // Added after the node, so it stops first: its hotspots and network server go before the services they talk to.
  if (simulatorOff === null) {
    shutdown.add({ name: 'simulator', start: async () => void (simulator = startQuickstartSimulator(node, config, logger)), stop: async () => simulator?.stop() });
  }
  await shutdown.start();
  stopOnSignals(shutdown, logger, config.SHUTDOWN_TIMEOUT_MS);
  const lines = node.describe();
  if (simulator) lines.push(`simulator      ${simulator.description}`);
  else if (config.mode === 'embedded' && simulatorOff !== null) lines.push(`simulator      off (${simulatorOff})`);
  process.stdout.write(`\ncoverage network is up (${services.length === serviceNames.length ? 'all services' : services.join(', ')})\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${fatalMessage(e)}\n`);
  process.exit(1);
});
