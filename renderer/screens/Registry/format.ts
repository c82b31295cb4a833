/** Formatting for the Registry screen: sizes, rates, time left, phases. Pure. */
import type { RegistryJob, RegistryJobProgress } from '../../../electron/api/contract.js';
import { bytes, type Tone } from '../../format.js';

export function rate(bps: number | undefined): string {
  return bps && bps > 0 ? `${bytes(bps)}/s` : '—';
}

/** "12 s", "3 min 05 s", "1 h 02 min"; null → "estimating…". */
export function timeLeft(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'estimating…';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

const PHASES: Record<RegistryJobProgress['phase'], string> = {
  queued: 'Starting',
  listing: 'Listing repositories and tags',
  manifests: 'Reading manifests',
  blobs: 'Downloading layers',
  packing: 'Writing the .tar',
  reading: 'Reading the archive',
  verifying: 'Verifying every layer in the archive',
  'pushing-blobs': 'Pushing layers',
  'pushing-manifests': 'Pushing manifests and tags',
  checking: 'Checking what the registry has',
  done: 'Finishing',
};

export function phaseLabel(p: RegistryJobProgress['phase']): string {
  return PHASES[p] ?? p;
}

/** Percentage for the bar: bytes when there are bytes to move, else items. */
export function percent(p: RegistryJobProgress | undefined): number {
  if (!p) return 0;
  if (p.phase === 'done') return 100;
  if (p.bytesTotal > 0) return Math.min(100, (p.bytesDone / p.bytesTotal) * 100);
  if (p.blobsTotal > 0) return Math.min(100, (p.blobsDone / p.blobsTotal) * 100);
  return 0;
}

export function stateLabel(job: RegistryJob): { label: string; tone: Tone } {
  switch (job.state) {
    case 'running':
      return { label: 'Running', tone: 'progress' };
    case 'succeeded':
      return { label: job.kind === 'reseed' ? 'Re-seeded and verified' : 'Exported', tone: 'ok' };
    case 'failed':
      return { label: 'Failed', tone: 'error' };
    case 'cancelled':
      return { label: 'Cancelled', tone: 'warning' };
    case 'interrupted':
      return { label: 'Interrupted — can resume', tone: 'warning' };
  }
}
