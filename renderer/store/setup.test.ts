import { describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../electron/api/contract.js';
import { newerSetup } from './setup.js';

const w = (rev: number, state: 'pushing' | 'pushed', at: string): SetupWizard => ({
  step: 'images',
  veleroNamespace: 'velero',
  credentials: { held: true, remembered: false, rememberAvailable: false, rememberNote: '' },
  images: [{ upstream: 'velero/velero:v1.18.3', target: 'r/velero:v1.18.3', role: 'server', state }],
  updatedAt: at,
  rev,
});

describe('setup slice: newest snapshot wins', () => {
  it("a push result that arrives after the push's last event does not roll the row back", () => {
    // Order seen by the renderer: event rev 12 (pushed), then the method result computed at rev 10.
    const afterEvent = newerSetup(null, w(12, 'pushed', '2026-11-23T10:00:02.000Z'));
    const afterResult = newerSetup(afterEvent, w(10, 'pushing', '2026-11-23T10:00:01.000Z'));
    expect(afterResult.images![0]!.state).toBe('pushed');
  });

  it('newer snapshots and unversioned ones replace the current one', () => {
    expect(newerSetup(w(3, 'pushing', '2026-11-23T10:00:01.000Z'), w(4, 'pushed', '2026-11-23T10:00:02.000Z')).rev).toBe(4);
    expect(newerSetup(w(3, 'pushing', '2026-11-23T10:00:01.000Z'), { ...w(0, 'pushed', '2026-11-23T10:00:00.000Z'), rev: undefined }).images![0]!.state).toBe(
      'pushed',
    );
    // A wizard file deleted by hand restarts the revisions; its newer time still wins.
    expect(newerSetup(w(30, 'pushing', '2026-11-23T10:00:01.000Z'), w(1, 'pushed', '2026-11-23T11:00:00.000Z')).rev).toBe(1);
  });
});
