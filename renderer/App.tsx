import { ActionIcon, AppShell, Badge, Box, Card, Center, Code, Group, NavLink, Text, Title, Tooltip, useComputedColorScheme } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import {
  IconActivity,
  IconCloudUpload,
  IconDatabaseImport,
  IconHome,
  IconLifebuoy,
  IconMoon,
  IconPackages,
  IconSettings,
  IconSun,
} from '@tabler/icons-react';
import { useRef } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner.js';
import { hrefFor, screens, type ScreenId } from './routes.js';
import { ActivityScreen } from './screens/Activity/ActivityScreen.js';
import { BackupsScreen } from './screens/Backups/BackupsScreen.js';
import { OverviewScreen } from './screens/Overview/OverviewScreen.js';
import { RegistryScreen } from './screens/Registry/RegistryScreen.js';
import { RestoreScreen } from './screens/Restore/RestoreScreen.js';
import { SetupScreen } from './screens/Setup/SetupScreen.js';
import { useLifeboat } from './store/index.js';
import { navigate, useRoute } from './useRoute.js';
import { StatusBadge } from './components/StatusBadge.js';
import type { Tone } from './format.js';

const icons: Record<ScreenId, typeof IconHome> = {
  overview: IconHome,
  setup: IconSettings,
  backups: IconCloudUpload,
  restore: IconDatabaseImport,
  registry: IconPackages,
  activity: IconActivity,
};

const views: Record<ScreenId, () => React.JSX.Element> = {
  overview: OverviewScreen,
  setup: SetupScreen,
  backups: BackupsScreen,
  restore: RestoreScreen,
  registry: RegistryScreen,
  activity: ActivityScreen,
};

function ClusterBadge() {
  const cluster = useLifeboat((s) => s.cluster);
  const link = useLifeboat((s) => s.link);
  if (link.status === 'lost') {
    return (
      <StatusBadge tone="error" testId="header-link">
        Connection lost
      </StatusBadge>
    );
  }
  const state = cluster?.state ?? 'disconnected';
  const tone: Tone = state === 'connected' ? 'ok' : state === 'error' ? 'error' : state === 'connecting' ? 'progress' : 'neutral';
  const label =
    state === 'connected' ? `${cluster?.context ?? 'connected'}` : state === 'error' ? 'Cluster error' : state === 'connecting' ? 'Connecting…' : 'Not connected';
  return (
    <Tooltip label={cluster?.server ? `${state} · ${cluster.server}` : state} withArrow>
      <Box tabIndex={0} aria-label={`Cluster: ${state}${cluster?.context ? `, context ${cluster.context}` : ''}`}>
        <StatusBadge tone={tone} testId="header-cluster">
          {label}
        </StatusBadge>
      </Box>
    </Tooltip>
  );
}

function ThemeToggle() {
  const computed = useComputedColorScheme('light');
  const setPref = useLifeboat((s) => s.setColorScheme);
  const next = computed === 'dark' ? 'light' : 'dark';
  const label = `Use ${next} theme`;
  return (
    <Tooltip label={label} withArrow>
      <ActionIcon variant="default" size="lg" aria-label={label} onClick={() => setPref(next)} data-testid="theme-toggle">
        {computed === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

function Navigation({ current }: { current: ScreenId }) {
  const problems = useLifeboat((s) => s.environment?.problems.filter((p) => !p.ok).length ?? 0);
  const running = useLifeboat((s) => s.entries.filter((e) => e.outcome === 'running').length);
  const refs = useRef<(HTMLAnchorElement | null)[]>([]);

  /** Arrow keys move between items (Home/End to the ends); Tab still leaves the list. */
  function onKeyDown(e: React.KeyboardEvent, i: number) {
    const n = screens.length;
    const to = e.key === 'ArrowDown' ? (i + 1) % n : e.key === 'ArrowUp' ? (i - 1 + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
    if (to >= 0) {
      e.preventDefault();
      refs.current[to]?.focus();
    }
  }

  return (
    <nav aria-label="Screens">
      {screens.map((s, i) => {
        const Icon = icons[s.id];
        const badge =
          s.id === 'overview' && problems > 0 ? (
            <Badge size="sm" color="red" variant="light" aria-label={`${problems} problems`}>
              {problems}
            </Badge>
          ) : s.id === 'activity' && running > 0 ? (
            <Badge size="sm" color="blue" variant="light" aria-label={`${running} running`}>
              {running}
            </Badge>
          ) : null;
        return (
          <NavLink
            key={s.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            href={hrefFor(s.id)}
            label={s.label}
            description={s.description}
            leftSection={<Icon size={20} aria-hidden />}
            rightSection={badge}
            active={current === s.id}
            aria-current={current === s.id ? 'page' : undefined}
            aria-keyshortcuts={`Alt+${i + 1}`}
            onKeyDown={(e) => onKeyDown(e, i)}
            data-testid={`nav-${s.id}`}
            styles={{ root: { borderRadius: 'var(--mantine-radius-md)' } }}
            mb={4}
          />
        );
      })}
      <Text size="xs" c="dimmed" mt="md" px="sm">
        Alt+1 … Alt+6 jump to a screen.
      </Text>
    </nav>
  );
}

/** Web mode opened without its token: say how to get in rather than showing a wall of errors. */
function NoToken() {
  return (
    <Center mih="100vh" p="lg">
      <Card maw={560} data-testid="no-token">
        <Group gap="xs" mb="sm">
          <IconLifebuoy size={26} aria-hidden color="var(--mantine-primary-color-filled)" />
          <Title order={1} size="h3">
            Open Lifeboat from its address
          </Title>
        </Group>
        <Text size="sm">
          This page was opened without Lifeboat's launch token, so it cannot talk to Lifeboat. Go back to the terminal where you
          started <Code>lifeboat web</Code> and open the full address it printed; it ends in <Code>#token=…</Code>.
        </Text>
        <Text size="sm" c="dimmed" mt="sm">
          The token changes every time Lifeboat starts, so an old bookmark will not work either.
        </Text>
      </Card>
    </Center>
  );
}

export function App() {
  const hasToken = useLifeboat((s) => s.hasToken);
  return hasToken ? <Shell /> : <NoToken />;
}

function Shell() {
  const current = useRoute();
  useHotkeys(screens.map((s, i) => [`alt+${i + 1}`, () => navigate(s.id)]));
  const View = views[current];
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 250, breakpoint: 0 }} padding="lg">
      <a
        href="#main"
        className="skip-link"
        onClick={(e) => {
          // The hash is the route, so move focus by hand instead of jumping to #main.
          e.preventDefault();
          document.querySelector<HTMLElement>('#main h1')?.focus();
        }}
      >
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <IconLifebuoy size={26} aria-hidden color="var(--mantine-primary-color-filled)" />
            <Title order={2} size="h4" fw={650}>
              Lifeboat
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ClusterBadge />
            <ThemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <Navigation current={current} />
      </AppShell.Navbar>
      <AppShell.Main id="main">
        <Box maw={1280}>
          <ConnectionBanner />
          <View />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
