import { Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { BundledTool } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { RichText } from '../../components/RichText.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import type { Tone } from '../../format.js';
import { useLifeboat } from '../../store/index.js';

const statusTone: Record<BundledTool['status'], Tone> = { ok: 'ok', missing: 'error', tampered: 'error', unverified: 'warning' };
const statusLabel: Record<BundledTool['status'], string> = { ok: 'Verified', missing: 'Missing', tampered: 'Checksum mismatch', unverified: 'Not verified' };

/** The CLIs Lifeboat runs, and whether they are the ones it shipped with. */
export function ToolsCard() {
  const tools = useLifeboat((s) => s.tools);
  const error = useLifeboat((s) => s.toolsError);
  const info = useLifeboat((s) => s.appInfo);
  return (
    <Card data-testid="tools-card" aria-labelledby="tools-title">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4" id="tools-title">
          Bundled tools
        </Title>
        {info && (
          <Text size="xs" c="dimmed">
            Lifeboat {info.version} · {info.mode === 'web' ? 'web mode' : 'desktop'}
          </Text>
        )}
      </Group>
      {error && <ErrorAlert title="Could not check the bundled tools" error={error} />}
      {!tools && !error && (
        <Group gap="xs">
          <Loader size="xs" aria-label="Checking the bundled tools" />
          <Text size="sm" c="dimmed">
            Checking the bundled velero and kubectl-kots against their checksums…
          </Text>
        </Group>
      )}
      <Stack gap="sm">
        {tools?.map((t) => (
          <Stack key={t.name} gap={2}>
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm" fw={600}>
                {t.name}{' '}
                <Text span size="sm" c="dimmed" fw={400}>
                  {t.version}
                  {t.source === 'override' ? ' (override)' : ''}
                </Text>
              </Text>
              <StatusBadge tone={statusTone[t.status]} size="sm">
                {statusLabel[t.status]}
              </StatusBadge>
            </Group>
            {t.message && t.status !== 'ok' && (
              <Text size="xs" c="dimmed">
                <RichText text={t.message} />
              </Text>
            )}
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}
