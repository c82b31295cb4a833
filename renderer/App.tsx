import { ActionIcon, Badge, Box, Button, Card, Center, Code, Group, Text, Title, useComputedColorScheme } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconActivity, IconCloudUpload, IconDatabaseImport, IconHome, IconLifebuoy, IconMoon, IconPackages, IconSettings, IconSun } from '@tabler/icons-react';
import { Component, Suspense, use, useRef, type ErrorInfo, type ReactNode } from 'react';
import classes from './App.module.css';
import { ConnectionBanner } from './components/ConnectionBanner.js';
import { DevOverridesBanner } from './components/DevOverridesBanner.js';
import { IdleTooltip } from './components/IdleTooltip.js';
import { hrefFor, screens, type ScreenId } from './routes.js';
import { loadScreen } from './screenLoaders.js';
import { useLifeboat } from './store/index.js';
import { navigate, useRoute } from './useRoute.js';
import { StatusBadge } from './components/StatusBadge.js';
import type { Tone } from './format.js';
import type { ApiErrorData } from '../electron/api/errors.js';

const icons: Record<ScreenId, typeof IconHome> = {
  overview: IconHome,
  setup: IconSettings,
  backups: IconCloudUpload,
  restore: IconDatabaseImport,
  registry: IconPackages,
  activity: IconActivity,
};

/** The screen's own code is a separate chunk (renderer/screenLoaders.ts); once loaded it renders at once. */
function ScreenView({ id }: { id: ScreenId }) {
  const View = use(loadScreen(id));
  return <View />;
}

/** While a screen's code loads (first visit before the idle prefetch got to it): a quiet line, shown only if it takes a moment. */
function ScreenLoading({ id }: { id: ScreenId }) {
  const label = screens.find((s) => s.id === id)?.label ?? 'screen';
  return (
    <Text c="dimmed" size="sm" role="status" aria-busy="true" className={classes.loading} data-testid="screen-loading">
      Opening {label}…
    </Text>
  );
}

/** A screen whose code could not be loaded says so and offers to try again, instead of a blank page. */
class ScreenBoundary extends Component<{ id: ScreenId; children: ReactNode }, { error: unknown }> {
  state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(`The ${this.props.id} screen failed`, error, info.componentStack);
  }
  render() {
    if (this.state.error === undefined) return this.props.children;
    const label = screens.find((s) => s.id === this.props.id)?.label ?? 'This';
    const message = this.state.error instanceof Error ? this.state.error.message : String(this.state.error);
    return (
      <Card data-testid="screen-error" role="alert">
        <Title order={1} size="h3" mb="xs">
          The {label} screen could not be shown
        </Title>
        <Text size="sm">{message}</Text>
        <Text size="sm" c="dimmed" mt="xs">
          Try again; if it keeps failing, reload the window (Ctrl+R) or restart Lifeboat. Nothing was changed on the cluster.
        </Text>
        <Group mt="md">
          <Button variant="default" onClick={() => this.setState({ error: undefined })} data-testid="screen-retry">
            Try again
          </Button>
        </Group>
      </Card>
    );
  }
}

/** The header's tooltips wait for the window's first idle moment (IdleTooltip says why). */
function HeaderTooltip({ label, children }: { label: string; children: React.ReactElement }) {
  return (
    <IdleTooltip label={label} withArrow>
      {children}
    </IdleTooltip>
  );
}

/** A build whose tools or images are not pinned by digest (placeholders in the locks) says so, always. */
function UnverifiedBuildBadge() {
  const info = useLifeboat((s) => s.appInfo);
  if (!info?.unverifiedBuild) return null;
  const reasons = info.unverifiedReasons ?? [];
  return (
    <HeaderTooltip label={reasons.join(' ') || 'Tools or images are not pinned by digest.'}>
      <span role="status" aria-label={`Unverified build: ${reasons.join(' ')}`}>
        <StatusBadge tone="warning" testId="header-unverified-build">
          Unverified build
        </StatusBadge>
      </span>
    </HeaderTooltip>
  );
}

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
    state === 'connected'
      ? `${cluster?.context ?? 'connected'}`
      : state === 'error'
        ? 'Cluster error'
        : state === 'connecting'
          ? 'Connecting…'
          : 'Not connected';
  return (
    <HeaderTooltip label={cluster?.server ? `${state} · ${cluster.server}` : state}>
      <Box tabIndex={0} aria-label={`Cluster: ${state}${cluster?.context ? `, context ${cluster.context}` : ''}`}>
        <StatusBadge tone={tone} testId="header-cluster">
          {label}
        </StatusBadge>
      </Box>
    </HeaderTooltip>
  );
}

function ThemeToggle() {
  const computed = useComputedColorScheme('light');
  const setPref = useLifeboat((s) => s.setColorScheme);
  const next = computed === 'dark' ? 'light' : 'dark';
  const label = `Use ${next} theme`;
  return (
    <HeaderTooltip label={label}>
      <ActionIcon variant="default" size="lg" aria-label={label} onClick={() => setPref(next)} data-testid="theme-toggle">
        {computed === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </HeaderTooltip>
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
          <a
            key={s.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            href={hrefFor(s.id)}
            className={classes.navLink}
            aria-current={current === s.id ? 'page' : undefined}
            aria-keyshortcuts={`Alt+${i + 1}`}
            onKeyDown={(e) => onKeyDown(e, i)}
            data-testid={`nav-${s.id}`}
          >
            <span className={classes.navIcon}>
              <Icon size={20} aria-hidden />
            </span>
            <div className={classes.navBody}>
              <span className={classes.navLabel}>{s.label}</span>
              <span className={classes.navDescription}>{s.description}</span>
            </div>
            <span className={classes.navBadge}>{badge}</span>
          </a>
        );
      })}
      <p className={classes.navHint}>Alt+1 … Alt+6 jump to a screen.</p>
    </nav>
  );
}

/** Web mode without a session (no link, or a used or expired one): say how to get in rather than showing a wall of errors. */
function NoToken({ error }: { error: ApiErrorData }) {
  return (
    <Center mih="100vh" p="lg">
      <Card maw={560} data-testid="no-token">
        <Group gap="xs" mb="sm">
          <IconLifebuoy size={26} aria-hidden color="var(--mantine-primary-color-filled)" />
          <Title order={1} size="h3">
            Open Lifeboat from its link
          </Title>
        </Group>
        <Text size="sm" data-testid="sign-in-error">
          {error.message}
          {error.hint ? ` ${error.hint}` : ''}
        </Text>
        <Text size="sm" c="dimmed" mt="sm">
          <Code>lifeboat web</Code> prints a link when it starts (<Code>http://127.0.0.1:…/?code=…</Code>). Each link works once, within two minutes; after that
          this browser stays signed in until Lifeboat or the browser stops, so reloading is fine.
        </Text>
      </Card>
    </Center>
  );
}

export function App() {
  const session = useLifeboat((s) => s.session);
  return session !== 'pending' && !session.ok ? <NoToken error={session.error} /> : <Shell />;
}

function Shell() {
  const current = useRoute();
  useHotkeys(screens.map((s, i) => [`alt+${i + 1}`, () => navigate(s.id)]));
  return (
    <div className={classes.shell}>
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
      <header className={classes.header}>
        <div className={classes.brand}>
          <IconLifebuoy size={26} aria-hidden color="var(--mantine-primary-color-filled)" />
          <h2 className={classes.brandName}>Lifeboat</h2>
        </div>
        <div className={classes.headerEnd}>
          <UnverifiedBuildBadge />
          <ClusterBadge />
          <ThemeToggle />
        </div>
      </header>
      <div className={classes.navbar}>
        <Navigation current={current} />
      </div>
      <main className={classes.main} id="main">
        <div className={classes.content}>
          <ConnectionBanner />
          <DevOverridesBanner />
          <ScreenBoundary key={current} id={current}>
            <Suspense fallback={<ScreenLoading id={current} />}>
              <ScreenView id={current} />
            </Suspense>
          </ScreenBoundary>
        </div>
      </main>
    </div>
  );
}
