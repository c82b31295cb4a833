import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RegistryInfo, RegistryJob } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PathInput } from '../../components/PathInput.js';
import { useLifeboat } from '../../store/index.js';
import { JobPanel } from './JobPanel.js';

/** The export folder and the optional .tar, each checked when chosen or left. */
function ExportPaths({
  dest,
  setDest,
  tar,
  setTar,
  error,
  onCheck,
}: {
  dest: string;
  setDest(v: string): void;
  tar: string;
  setTar(v: string): void;
  error: string | undefined;
  onCheck(dest: string, tar: string): void;
}) {
  return (
    <>
      <PathInput
        label="Export folder"
        description="A new or empty folder, or the folder of an earlier export."
        placeholder="/backups/registry"
        value={dest}
        onChange={setDest}
        onChosen={(d) => onCheck(d, tar)}
        browse={[{ kind: 'open-folder', title: 'Choose the export folder' }]}
        onBlur={() => onCheck(dest, tar)}
        required
        error={error}
        data-testid="registry-export-dest"
      />
      <PathInput
        label="Also write a .tar (optional)"
        placeholder="/backups/registry.tar"
        value={tar}
        onChange={setTar}
        onChosen={(t) => onCheck(dest, t)}
        browse={[{ kind: 'save-file', title: 'Write the export .tar as', filters: [{ name: 'Registry export (.tar)', extensions: ['tar'] }] }]}
        onBlur={() => onCheck(dest, tar)}
        data-testid="registry-export-tar"
      />
    </>
  );
}

/** Export every image of the registry into a folder (and optionally a .tar) on this machine. */
export function ExportPanel({ info, caPath, job }: { info: RegistryInfo | null; caPath: string; job: RegistryJob | undefined }) {
  const { check, doCheck, start, cancel, resume, action, error, dismiss } = useLifeboat(
    useShallow((s) => ({
      check: s.registryDestCheck,
      doCheck: s.checkRegistryDestination,
      start: s.startRegistryExport,
      cancel: s.cancelRegistryJob,
      resume: s.resumeRegistryJob,
      action: s.registryAction,
      error: s.registryActionError?.kind === 'export' ? s.registryActionError.error : null,
      dismiss: s.dismissRegistryActionError,
    })),
  );
  const [dest, setDest] = useState('');
  const [tar, setTar] = useState('');
  const running = job?.state === 'running';
  const canStart = !!info?.reachable && dest.trim() !== '' && check?.ok !== false && !running;
  return (
    <Card data-testid="registry-export" aria-labelledby="registry-export-title">
      <Title order={2} size="h4" id="registry-export-title" mb={4}>
        Export to this machine
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Copies every repository, tag and layer into an OCI image layout (optionally also a single .tar), verifying each digest. Running it again into the same
        folder continues where it stopped and adds only what changed.
      </Text>
      <Stack gap="sm">
        <ExportPaths
          dest={dest}
          setDest={setDest}
          tar={tar}
          setTar={setTar}
          error={check && !check.ok ? `${check.reason ?? ''} ${check.fix ?? ''}` : undefined}
          onCheck={(d, t) => void doCheck(d, t)}
        />
        {check?.ok && check.resumable && (
          <Text size="sm" c="dimmed" data-testid="registry-export-resumable">
            {check.reason}
          </Text>
        )}
        {error && <ErrorAlert title="The export did not start" error={error} onClose={dismiss} />}
        <Group>
          <Button
            leftSection={<IconDownload size={16} aria-hidden />}
            disabled={!canStart}
            loading={action === 'export'}
            onClick={() => void start({ dest: dest.trim(), tarPath: tar.trim() || undefined, caPath: caPath.trim() || undefined })}
            data-testid="registry-export-start"
          >
            Export registry
          </Button>
          {!info?.reachable && (
            <Text size="sm" c="dimmed">
              Needs a reachable registry (above).
            </Text>
          )}
        </Group>
        {job && (
          <JobPanel
            job={job}
            testId="registry-export-job"
            busy={action === 'cancel' || action === 'resume'}
            onCancel={() => void cancel(job.id)}
            onResume={() => void resume(job.id)}
          />
        )}
      </Stack>
    </Card>
  );
}
