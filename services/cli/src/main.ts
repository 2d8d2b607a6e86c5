import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { CliCommand, CliIo } from './command';
import { UsageError } from './command';

// Commands are discovered by file name so adding one never touches a shared registry file.
const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function listCommands(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<CliCommand | undefined> {
  if (!listCommands().includes(name)) return undefined;
  const mod = (await import(join(commandsDir, `${name}.ts`))) as { command: CliCommand };
  return mod.command;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    io.stdout('usage: npm run cli -- <command> [options]\n\ncommands:\n');
    for (const n of listCommands()) {
      const c = await loadCommand(n);
      if (c) io.stdout(`  ${c.name.padEnd(18)} ${c.summary}\n`);
    }
    return name ? 0 : 2;
  }
  const command = await loadCommand(name);
  if (!command) {
    io.stderr(`unknown command "${name}"; run \`npm run cli -- help\`\n`);
    return 2;
  }
  // `<command> --help` (or -h) anywhere before `--`: its usage on stdout, exit 0, as for `help`.
  const beforeSeparator = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (beforeSeparator.includes('--help') || beforeSeparator.includes('-h')) {
    io.stdout(`${command.summary}\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
  runCli(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (e: unknown) => {
      io.stderr(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
