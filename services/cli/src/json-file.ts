import { readFile } from 'node:fs/promises';
import type { CliIo } from './command';

/**
 * Reads and parses a JSON input file for a command. On failure it says why on stderr and returns
 * undefined; the command then exits 2 (bad input).
 */
export async function readJsonFile(file: string, io: CliIo): Promise<{ value: unknown } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.stderr(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    io.stderr(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
}
