/**
 * CPU time from Linux's /proc, for the benchmarks: what one thread or process has used (user +
 * system, ms). Unlike rates, CPU per item hardly depends on what else the machine runs.
 * Undefined where /proc cannot be read (another OS, a PostgreSQL backend on another host).
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc/<pid>/stat's utime and stime on Linux. */
const CLOCK_TICKS_PER_S = 100;

/** CPU ms from a /proc stat file; `which` picks user time, system time or both. */
export function procStatCpuMs(statPath: string, which: 'user' | 'system' | 'both' = 'both'): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
    const fields = readFileSync(statPath, 'utf8').split(') ')[1]!.split(' ');
    const ticks = which === 'user' ? Number(fields[11]) : which === 'system' ? Number(fields[12]) : Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** CPU ms of the calling thread. */
export function threadCpuMs(): number | undefined {
  return procStatCpuMs('/proc/thread-self/stat');
}

/** CPU ms of a whole process (all its threads). */
export function processCpuMs(pid: number): number | undefined {
  return procStatCpuMs(`/proc/${pid}/stat`);
}
