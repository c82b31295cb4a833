import { Anchor, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useShallow } from 'zustand/react/shallow';
import type { ClusterStatus, Environment } from '../../electron/api/contract.js';
import type { Readiness } from '../readiness.js';
import { useLifeboat } from '../store/index.js';
import { CheckList } from './CheckList.js';
import { RichText } from './RichText.js';
import { ScreenHeader } from './ScreenHeader.js';
import { StatusBadge } from './StatusBadge.js';

export interface ReadinessScreenProps {
  title: string;
  description: string;
  /** What the screen will do, step by step, in the operator's words. */
  plan: React.ReactNode[];
  /** How this screen's actions are reached today, until they arrive here. */
  meanwhile?: string;
  readiness: (cluster: ClusterStatus | null, env: Environment | null) => Readiness;
  testId: string;
}

/**
 * A screen whose workflow is not built yet: it says plainly what it will do and how ready the
 * cluster is for it right now, from real detection results. No placeholder data, no dead buttons.
 */
export function ReadinessScreen({ title, description, plan, meanwhile, readiness, testId }: ReadinessScreenProps) {
  const { cluster, env, pending, refresh } = useLifeboat(
    useShallow((s) => ({ cluster: s.cluster, env: s.environment, pending: s.environmentPending, refresh: s.refreshEnvironment })),
  );
  const r = readiness(cluster, env);
  const blocking = r.checks.filter((c) => !c.ok).length;
  const connected = cluster?.state === 'connected';

  return (
    <div data-testid={testId}>
      <ScreenHeader
        title={title}
        description={description}
        actions={
          connected ? (
            <Button variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => void refresh()} loading={pending === 'refresh'}>
              Detect again
            </Button>
          ) : undefined
        }
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" style={{ alignItems: 'start' }}>
        <Card aria-labelledby={`${testId}-readiness`}>
          <Group justify="space-between" mb="md">
            <Title order={2} size="h4" id={`${testId}-readiness`}>
              Readiness of this cluster
            </Title>
            <StatusBadge tone={r.ready ? 'ok' : 'error'} testId="readiness-verdict">
              {r.ready ? 'Ready' : `${blocking} blocking`}
            </StatusBadge>
          </Group>
          <CheckList checks={r.checks} testId="readiness-checks" />
          {!connected && (
            <Text size="sm" mt="md">
              <Anchor href="#/overview">Go to the Overview</Anchor> to choose a kubeconfig and connect.
            </Text>
          )}
        </Card>
        <Card aria-labelledby={`${testId}-plan`}>
          <Title order={2} size="h4" id={`${testId}-plan`} mb="md">
            What this screen will do
          </Title>
          <Stack gap="md">
            <List type="ordered" spacing="xs" size="sm">
              {plan.map((p, i) => (
                <List.Item key={i}>{p}</List.Item>
              ))}
            </List>
            <Text size="sm" c="dimmed">
              These steps are not available in this version of Lifeboat yet.
              {meanwhile ? ' ' : ''}
              {meanwhile && <RichText text={meanwhile} />}
            </Text>
          </Stack>
        </Card>
      </SimpleGrid>
    </div>
  );
}
