import { Button, Card, Checkbox, Group, Select, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import type { SetupDestination, SetupSecrets, SetupWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { ProviderFields, useDestinationForm, type DestinationForm } from './DestinationFields.js';
import { build, PROVIDERS } from './destination.js';

function CredentialsRow({ w, form, busy, onSubmit, onForget }: { w: SetupWizard; form: DestinationForm; busy: boolean; onSubmit(): void; onForget(): void }) {
  return (
    <>
      <Checkbox
        label="Remember these credentials on this computer"
        description={w.credentials.rememberNote}
        checked={form.remember && w.credentials.rememberAvailable}
        disabled={!w.credentials.rememberAvailable}
        onChange={(e) => form.setRemember(e.currentTarget.checked)}
        data-testid="setup-remember"
      />
      <Group>
        <Button leftSection={<IconPlugConnected size={16} />} onClick={onSubmit} loading={busy} data-testid="setup-validate">
          Check destination
        </Button>
        {w.credentials.held && (
          <Button variant="subtle" color="gray" onClick={onForget} data-testid="setup-forget">
            Forget credentials
          </Button>
        )}
        <Text size="xs" c="dimmed">
          {w.credentials.held
            ? 'Credentials are held by Lifeboat (main process only); they are never shown again.'
            : "Credentials are sent once and kept only in Lifeboat's main process."}
        </Text>
      </Group>
    </>
  );
}

export function DestinationStep({
  w,
  busy,
  onValidate,
  onForget,
}: {
  w: SetupWizard;
  busy: boolean;
  onValidate(d: SetupDestination, s: SetupSecrets, remember: boolean): void;
  onForget(): void;
}) {
  const form = useDestinationForm(w);
  const { provider, setProvider, f, secrets, setSecrets, remember } = form;
  const submit = () => {
    const s = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v)) as SetupSecrets;
    onValidate(build(provider, f), s, remember);
    setSecrets({});
  };
  // A result for another provider than the one on screen is not shown (switching clears it from view).
  const v = w.destination?.provider === provider ? w.validation : undefined;
  return (
    <Stack>
      <Card>
        <Title order={2} size="h4" mb="xs">
          Where should backups go?
        </Title>
        <Text size="sm" c="dimmed" mb="md">
          Lifeboat checks the destination before anything in the cluster changes. The check runs from this computer; the cluster&apos;s network may differ, and
          KOTS checks again from inside the cluster.
        </Text>
        <Stack>
          <Select
            label="Storage"
            data={PROVIDERS}
            value={provider}
            onChange={(p) => p && setProvider(p)}
            allowDeselect={false}
            data-testid="setup-dest-provider"
          />
          <ProviderFields form={form} />
          <CredentialsRow w={w} form={form} busy={busy} onSubmit={submit} onForget={onForget} />
        </Stack>
      </Card>
      {v && (
        <Card data-testid="setup-validation" data-ok={String(v.ok)}>
          <Title order={3} size="h5" mb="xs">
            {v.ok ? 'The destination works' : 'The destination did not pass'}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {v.note}
          </Text>
          <CheckList checks={v.checks} testId="setup-validation-checks" />
        </Card>
      )}
    </Stack>
  );
}
