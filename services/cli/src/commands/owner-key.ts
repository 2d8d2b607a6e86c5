/**
 * `owner-key --new F` creates an owner wallet key file (0600) and prints its Helium address;
 * `owner-key --file F` prints the address of an existing one. The address is what a maker onboards
 * hotspots for; the file signs the owner's requests (`owner-request`).
 */
import { parseOptions, UsageError, type CliCommand, type CliIo } from '../command';
import { createOwnerKey, readOwnerKey } from '../owner-key-file';

const USAGE = 'npm run cli -- owner-key (--new <key file> | --file <key file>)';

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { new: { type: 'string' }, file: { type: 'string' } });
  if ((values.new === undefined) === (values.file === undefined)) throw new UsageError('give exactly one of --new and --file');
  const result = values.new !== undefined ? createOwnerKey(values.new) : readOwnerKey(values.file!);
  if (!result.ok) {
    io.stderr(`${result.message}\n`);
    return 2;
  }
  io.stdout(`${JSON.stringify({ address: result.keypair.address }, null, 2)}\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'owner-key',
  summary: 'create an owner wallet key file, or print the address of one',
  usage: USAGE,
  run,
};
