import { Card, Stepper } from '@mantine/core';
import { useEffect } from 'react';
import type { RestoreStep } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScreenHeader } from '../../components/ScreenHeader.js';
import { useLifeboat } from '../../store/index.js';
import { restoreErrorTitle } from '../../store/restore.js';
import { RegistryStep } from './RegistryStep.js';
import { BackupStep, ConfirmStep, ReportStep, RunStep, SituationStep, TypeStep } from './steps.js';

/** The wizard's steps as the stepper shows them (run and verify share one). */
const SHOWN: Array<{ steps: RestoreStep[]; label: string; description: string }> = [
  { steps: ['situation'], label: 'Situation', description: 'This cluster or a new one' },
  { steps: ['backup'], label: 'Backup', description: 'Pick a restorable one' },
  { steps: ['type'], label: 'What', description: 'Full, app or admin console' },
  { steps: ['registry'], label: 'Registry', description: 'Re-seed its images' },
  { steps: ['confirm'], label: 'Confirm', description: 'What changes' },
  { steps: ['run', 'verify'], label: 'Restore', description: 'Followed in Velero' },
  { steps: ['report'], label: 'Report', description: 'Checked and saved' },
];

export function RestoreScreen() {
  const wizard = useLifeboat((s) => s.restoreWizard);
  const load = useLifeboat((s) => s.loadRestore);
  const error = useLifeboat((s) => s.restoreError);
  const dismiss = useLifeboat((s) => s.dismissRestoreError);
  const connected = useLifeboat((s) => s.cluster?.state === 'connected');

  useEffect(() => {
    void load();
  }, [load, connected]);

  // A finished run completes the stepper; otherwise the current step is the active one.
  const finished = wizard?.step === 'report' && !!wizard.run && !['running', 'verifying'].includes(wizard.run.state);
  // The registry step shows only on the rebuilt-cluster path that needs it.
  const shown = SHOWN.filter((s) => !s.steps.includes('registry') || !!wizard?.registry);
  const active = !wizard ? 0 : finished ? shown.length : shown.findIndex((s) => s.steps.includes(wizard.step));
  return (
    <div data-testid="restore-screen" data-step={wizard?.step}>
      <ScreenHeader
        title="Restore"
        description="Bring the admin console and the application back from a backup, on this cluster or a rebuilt one. Every step is saved as you go, so Lifeboat can be closed and picks up where it was."
      />
      {error && error.action !== 'storage' && error.action !== 'preview' && (
        <ErrorAlert title={restoreErrorTitle(error.action)} error={error.error} onClose={dismiss} />
      )}
      {error && (error.action === 'storage' || error.action === 'preview') && <ErrorAlert title={restoreErrorTitle(error.action)} error={error.error} />}
      <Card mt="md">
        <Stepper active={active} allowNextStepsSelect={false} size="sm" mb="lg" aria-label="Restore steps">
          {shown.map((s) => (
            <Stepper.Step key={s.label} label={s.label} aria-label={`${s.label}: ${s.description}`} />
          ))}
        </Stepper>
        {wizard?.step === 'situation' && <SituationStep wizard={wizard} />}
        {wizard?.step === 'backup' && <BackupStep wizard={wizard} />}
        {wizard?.step === 'type' && <TypeStep wizard={wizard} />}
        {wizard?.step === 'registry' && wizard.registry && <RegistryStep wizard={wizard} />}
        {wizard?.step === 'confirm' && <ConfirmStep wizard={wizard} />}
        {(wizard?.step === 'run' || wizard?.step === 'verify') && wizard.run && <RunStep wizard={wizard} />}
        {wizard?.step === 'report' && wizard.run && (
          <>
            <ReportStep wizard={wizard} />
            <div style={{ marginTop: 24 }}>
              <RunStep wizard={wizard} />
            </div>
          </>
        )}
      </Card>
    </div>
  );
}
