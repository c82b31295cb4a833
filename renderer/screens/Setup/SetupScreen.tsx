import { Button, Stack, Stepper } from '@mantine/core';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SetupStep, SetupWizard } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScreenHeader } from '../../components/ScreenHeader.js';
import { useLifeboat } from '../../store/index.js';
import { DestinationStep } from './DestinationStep.js';
import { ImagesStep } from './ImagesStep.js';
import { ApplyStep, DoneStep, PreflightStep, ReviewStep } from './Steps.js';

const ORDER: SetupStep[] = ['preflight', 'destination', 'images', 'review', 'apply', 'done'];

/** The current step's panel, wired to the setup calls. */
function CurrentStep({ w }: { w: SetupWizard }) {
  const { env, action, call } = useLifeboat(useShallow((s) => ({ env: s.environment, action: s.setupAction, call: s.setupCall })));
  return (
    <>
      {w.step === 'preflight' && (
        <PreflightStep
          w={w}
          busy={action === 'preflight' || action === 'mode'}
          onCheck={() => void call('preflight', 'setup.preflight', {})}
          onMode={(mode) => void call('mode', 'setup.chooseMode', { mode })}
        />
      )}
      {w.step === 'destination' && (
        <DestinationStep
          w={w}
          busy={action === 'validate'}
          onValidate={(destination, secrets, remember) => void call('validate', 'setup.validateDestination', { destination, secrets, remember })}
          onForget={() => void call('forget', 'setup.forgetSecrets', {})}
        />
      )}
      {w.step === 'images' && (
        <ImagesStep
          w={w}
          env={env}
          busy={action === 'registry' || action === 'check'}
          onRegistry={(input) => void call('registry', 'setup.setRegistry', input)}
          onCheck={() => void call('check', 'setup.checkImages', {})}
          onPush={() => void call('push', 'setup.pushImages', {})}
          onNext={() => void call('review', 'setup.review', {})}
        />
      )}
      {w.step === 'review' && (
        <ReviewStep
          w={w}
          busy={action === 'apply'}
          preparing={action === 'review'}
          onPrepare={() => void call('review', 'setup.review', {})}
          onApply={() => void call('apply', 'setup.apply', {})}
        />
      )}
      {w.step === 'apply' && (
        <ApplyStep
          w={w}
          busy={action === 'resume' || action === 'verify'}
          onCancel={() => void call('cancel', 'setup.cancel', {})}
          onResume={() => void call('resume', 'setup.resume', {})}
          onVerify={() => void call('verify', 'setup.verify', {})}
        />
      )}
      {w.step === 'done' && (
        <DoneStep
          w={w}
          busy={action === 'uninstall' || action === 'verify'}
          onChange={() => void call('change', 'setup.changeDestination', {})}
          onUninstall={(confirm) => void call('uninstall', 'setup.uninstall', { confirm })}
          onReset={() => void call('reset', 'setup.reset', {})}
          onVerify={() => void call('verify', 'setup.verify', {})}
        />
      )}
    </>
  );
}

export function SetupScreen() {
  const { w, error, call, load, dismiss } = useLifeboat(
    useShallow((s) => ({
      w: s.setup,
      error: s.setupError,
      call: s.setupCall,
      load: s.loadSetup,
      dismiss: s.dismissSetupError,
    })),
  );
  useEffect(() => {
    if (!w) void load();
  }, [w, load]);
  const airgap = !!w?.preflight?.airgap;
  // Reconfigure installs no image: no Images step then either.
  const steps = ORDER.filter((s) => s !== 'images' || ((airgap || !w?.preflight) && w?.mode !== 'reconfigure'));
  const active = w ? Math.max(0, steps.indexOf(w.step)) : 0;
  const running = w?.apply?.state === 'running';
  const canGo = (s: SetupStep) =>
    !!w && !running && steps.indexOf(s) < active && ['preflight', 'destination', 'images', 'review'].includes(s) && w.step !== 'done';
  return (
    <Stack data-testid="setup-screen" data-step={w?.step}>
      <ScreenHeader
        title="Setup"
        description="Install Velero at a version KOTS supports, give it somewhere to keep backups, and wire it to the KOTS admin console. Nothing in the cluster changes before the Review step."
        actions={
          w && w.step !== 'preflight' && !running ? (
            <Button variant="subtle" color="gray" onClick={() => void call('reset', 'setup.reset', {})}>
              Start over
            </Button>
          ) : undefined
        }
      />
      <Stepper
        active={active}
        onStepClick={(i) => canGo(steps[i]) && void call('back', 'setup.back', { step: steps[i] as 'preflight' })}
        size="sm"
        wrap={false}
        styles={{ separator: { marginInline: 8, minWidth: 12 } }}
        allowNextStepsSelect={false}
      >
        {steps.map((s) => (
          <Stepper.Step key={s} label={LABELS[s]} description={DESCRIPTIONS[s]} allowStepSelect={canGo(s)} data-testid={`setup-step-${s}`} />
        ))}
      </Stepper>
      {error && <ErrorAlert title="Setup could not do that" error={error} onClose={dismiss} />}
      {w && <CurrentStep w={w} />}
    </Stack>
  );
}

const LABELS: Record<SetupStep, string> = {
  preflight: 'Preflight',
  destination: 'Destination',
  images: 'Images',
  review: 'Review',
  apply: 'Apply',
  done: 'Done',
};
const DESCRIPTIONS: Record<SetupStep, string> = {
  preflight: 'Cluster, KOTS, Velero',
  destination: 'Where backups go',
  images: 'Private registry',
  review: 'Exact commands',
  apply: 'Install and verify',
  done: 'Change or remove',
};
