/**
 * Progress bars (cli-progress, on stderr) for setup steps and for simulated time, with live counts
 * of what has been sent and accepted.
 */
import cliProgress from 'cli-progress';
import type { SimProgress } from '../scenario/simulation';

export interface ProgressView {
  update(p: SimProgress): void;
  stop(): void;
}

export const silentProgress: ProgressView = { update: () => {}, stop: () => {} };

function simTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function progressBars(): ProgressView {
  let bar: cliProgress.SingleBar | null = null;
  let current = '';
  const open = (key: string, total: number, format: string, payload: Record<string, unknown> = {}) => {
    if (current === key && bar) return bar;
    bar?.stop();
    current = key;
    bar = new cliProgress.SingleBar({ format, hideCursor: true, clearOnComplete: false, stopOnComplete: false, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, payload);
    return bar;
  };
  return {
    update(p) {
      if (p.phase === 'setup') {
        open(`setup:${p.step}`, p.total, `${p.step.padEnd(40)} {bar} {value}/{total}`).update(p.done);
        return;
      }
      const s = p.stats;
      const total = Math.max(1, Math.round((p.endMs - p.startMs) / 60_000));
      const payload = {
        simTime: simTime(p.simNowMs),
        beacons: s.get('beacons.sent'),
        witnesses: s.get('witnesses.sent'),
        accepted: s.get('witnesses.accepted'),
        uplinks: s.get('devices.uplinks.confirmed') + s.get('devices.uplinks.unconfirmed'),
      };
      open('run', total, 'simulated {simTime} {bar} {percentage}% | beacons {beacons} | witnesses {witnesses} ({accepted} acked) | uplinks {uplinks} | eta {eta_formatted}', payload).update(
        Math.round((p.simNowMs - p.startMs) / 60_000),
        payload,
      );
    },
    stop() {
      bar?.stop();
      bar = null;
      current = '';
    },
  };
}
