/** Setup's last step: Velero is ready; verify again, change the destination, or uninstall. */
import { Alert, Button, Card, Code, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { SetupWizard } from '../../../electron/api/contract.js';
import { VerificationCard } from './ApplyStep.js';

/** A new destination restarts Velero: said before the step opens. */
function ChangeModal({ opened, onClose, onChange }: { opened: boolean; onClose(): void; onChange(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Change the storage destination?">
      <Text size="sm">
        KOTS restarts Velero when its destination changes: backups running at that moment fail. Backups already in the old destination stay there, but Velero
        will no longer list them.
      </Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          Keep it
        </Button>
        <Button
          onClick={() => {
            onClose();
            onChange();
          }}
          data-testid="setup-change-confirm"
        >
          Choose a new destination
        </Button>
      </Group>
    </Modal>
  );
}

/** velero uninstall, once the namespace's name is typed. */
function UninstallModal({
  w,
  busy,
  opened,
  onClose,
  onUninstall,
}: {
  w: SetupWizard;
  busy: boolean;
  opened: boolean;
  onClose(): void;
  onUninstall(confirm: string): void;
}) {
  const [typed, setTyped] = useState('');
  return (
    <Modal opened={opened} onClose={onClose} title="Uninstall Velero">
      <Stack>
        <Text size="sm">
          This runs <Code>velero uninstall</Code>: it deletes the namespace <Code>{w.veleroNamespace}</Code>, Velero&apos;s CRDs (every Backup, Restore and
          Schedule object) and its cluster role binding. The backup data in storage is not deleted. The admin console&apos;s snapshots stop working.
        </Text>
        <TextInput
          label={`Type ${w.veleroNamespace} to confirm`}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          data-testid="setup-uninstall-confirm"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            disabled={typed !== w.veleroNamespace}
            loading={busy}
            onClick={() => {
              onUninstall(typed);
              onClose();
              setTyped('');
            }}
            data-testid="setup-uninstall"
          >
            Uninstall
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function DoneStep({
  w,
  busy,
  onChange,
  onUninstall,
  onReset,
  onVerify,
}: {
  w: SetupWizard;
  busy: boolean;
  onChange(): void;
  onUninstall(confirm: string): void;
  onReset(): void;
  onVerify(): void;
}) {
  const [warn, setWarn] = useState(false);
  const [remove, setRemove] = useState(false);
  return (
    <Stack data-testid="setup-done">
      <Alert color={w.mode === 'keep' ? 'blue' : 'teal'} variant="light" title={w.mode === 'keep' ? 'Velero was kept as it is' : 'Velero is ready for backups'}>
        {w.mode === 'keep'
          ? 'Nothing was changed.'
          : 'The storage location is Available and synced, and the Velero server answers. Continue on the Backups screen.'}
      </Alert>
      {w.verification && <VerificationCard w={w} />}
      <Card>
        <Title order={2} size="h4" mb="sm">
          Change or remove
        </Title>
        <Group>
          <Button variant="light" onClick={onVerify} loading={busy}>
            Verify again
          </Button>
          <Button variant="light" onClick={() => setWarn(true)} data-testid="setup-change">
            Change destination
          </Button>
          <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setRemove(true)} data-testid="setup-uninstall-open">
            Uninstall Velero
          </Button>
          <Button variant="subtle" color="gray" onClick={onReset}>
            Start over
          </Button>
        </Group>
      </Card>
      <ChangeModal opened={warn} onClose={() => setWarn(false)} onChange={onChange} />
      <UninstallModal w={w} busy={busy} opened={remove} onClose={() => setRemove(false)} onUninstall={onUninstall} />
    </Stack>
  );
}
