import { Button, Card, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScreenHeader } from '../../components/ScreenHeader.js';
import { useLifeboat } from '../../store/index.js';
import { ClusterCard } from './ClusterCard.js';
import { CompatibilityCard, InstallCard, KotsCard, VeleroCard } from './EnvironmentCards.js';
import { ProblemsCard } from './ProblemsCard.js';
import { ToolsCard } from './ToolsCard.js';
import { BackupNowButton } from './BackupNowButton.js';

export function OverviewScreen() {
  const { env, pending, error, refresh, connected } = useLifeboat(
    useShallow((s) => ({
      env: s.environment,
      pending: s.environmentPending,
      error: s.environmentError,
      refresh: s.refreshEnvironment,
      connected: s.cluster?.state === 'connected',
    })),
  );

  return (
    <>
      <ScreenHeader
        title="Overview"
        description="The cluster Lifeboat is connected to, what is installed in it, and anything that stands in the way of a backup or a restore."
        actions={
          <>
            <BackupNowButton />
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} aria-hidden />}
              onClick={() => void refresh()}
              loading={pending === 'refresh'}
              disabled={!connected}
              data-testid="refresh-environment"
            >
              Detect again
            </Button>
          </>
        }
      />
      <Stack gap="lg">
        {error && <ErrorAlert title="Environment detection failed" error={error} />}
        {env && <ProblemsCard problems={env.problems} />}
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" style={{ alignItems: 'start' }}>
          <Stack gap="lg">
            <ClusterCard />
            {env && <VeleroCard env={env} />}
          </Stack>
          <Stack gap="lg">
            {env ? (
              <>
                <KotsCard env={env} />
                <InstallCard env={env} />
                <CompatibilityCard env={env} />
              </>
            ) : connected && pending ? (
              <Card aria-busy>
                <Skeleton height={18} width="40%" mb="md" />
                <Skeleton height={12} mb={8} />
                <Skeleton height={12} mb={8} width="80%" />
                <Text size="sm" c="dimmed" mt="md">
                  Detecting KOTS, Velero and the install type…
                </Text>
              </Card>
            ) : (
              <Card>
                <Text size="sm" c="dimmed" data-testid="environment-empty">
                  {connected
                    ? 'The environment has not been detected yet. Press “Detect again”.'
                    : 'Connect to a cluster to see its KOTS admin console, Velero and storage.'}
                </Text>
              </Card>
            )}
            <ToolsCard />
          </Stack>
        </SimpleGrid>
      </Stack>
    </>
  );
}
