import { ActionIcon, Group, SegmentedControl, Select, Text, TextInput } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSearch } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import classes from './BackupList.module.css';
import type { BackupSummary } from '../../../electron/api/contract.js';
import { absoluteTime, duration, relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { backupDurationMs, bytes, filterAndSort, phaseTone, typeLabel, type ListFilter, type SortKey } from './format.js';

const ROW = 44;
const COLS = '1.8fr 1.1fr 1.35fr 0.7fr 1fr 0.75fr 0.85fr 1.2fr 0.65fr 0.75fr 0.75fr';

/** Velero's timestamps have second precision: a backup within one second reads "<1 s", not "0 ms". */
const shortDuration = (ms: number | undefined) => (ms !== undefined && ms < 1000 ? '<1 s' : duration(ms));

const PHASE_ICON = { ok: '✓', warning: '!', error: '✕', progress: '◌', neutral: '○' } as const;

/** One backup: plain elements styled by class (the list renders thousands quickly). */
const Row = memo(function Row({ b, onOpen, style }: { b: BackupSummary; onOpen: (n: string) => void; style: React.CSSProperties }) {
  const tone = phaseTone(b.phase);
  const started = b.startedAt ?? b.createdAt;
  const apps = b.apps.length ? b.apps.map((a) => `${a.slug}${a.version ? ` ${a.version}` : ''}`).join(', ') : '—';
  const size = b.sizeBytes === undefined ? '—' : bytes(b.sizeBytes);
  return (
    <button
      type="button"
      onClick={() => onOpen(b.name)}
      className={classes.row}
      style={{ ...style, gridTemplateColumns: COLS }}
      aria-label={`Backup ${b.name}, ${b.phase}, size ${size}${b.sizeBytes === undefined && b.sizeNote ? ` (${b.sizeNote})` : ''}`}
      data-testid="backup-row"
      data-name={b.name}
      data-phase={b.phase}
    >
      <span className={classes.name}>{b.name}</span>
      <span className={classes.cell}>{typeLabel[b.type]}</span>
      <span className={`${classes.badge} ${classes[tone]}`} data-tone={tone}>
        <span aria-hidden>{PHASE_ICON[tone]}</span>
        {b.phase}
      </span>
      <span className={classes.cell}>{b.trigger ?? '—'}</span>
      <span className={classes.cell} title={absoluteTime(started)}>
        {relativeTime(started)}
      </span>
      <span className={classes.cell}>{shortDuration(backupDurationMs(b))}</span>
      <span className={classes.cell}>{b.expiresAt ? relativeTime(b.expiresAt) : '—'}</span>
      <span className={classes.cell} title={apps}>
        {apps}
      </span>
      <span className={classes.cell}>
        {b.itemsBackedUp ?? '—'}
        {b.totalItems && b.totalItems !== b.itemsBackedUp ? `/${b.totalItems}` : ''}
      </span>
      <span className={`${classes.cell} ${b.errors ? classes.red : b.warnings ? classes.yellow : classes.dimmed}`}>
        {b.errors}/{b.warnings}
        {b.volumes.total ? ` · ${b.volumes.total} vol` : ''}
      </span>
      <span className={`${classes.cell} ${b.sizeBytes === undefined ? classes.dimmed : ''}`} title={b.sizeNote} data-testid="backup-size">
        {size}
      </span>
    </button>
  );
});

const HEAD: Array<[string, SortKey | null]> = [
  ['Name', 'name'],
  ['Type', null],
  ['Phase', 'phase'],
  ['Trigger', null],
  ['Started', 'created'],
  ['Duration', 'duration'],
  ['Expires', null],
  ['Apps and versions', null],
  ['Items', 'items'],
  ['Err/Warn', null],
  ['Size', 'size'],
];

/** Every Velero Backup, virtualized (thousands stay smooth), kept current by watch events. */
export function BackupList({ onOpen }: { onOpen: (name: string) => void }) {
  const byName = useLifeboat((s) => s.backupsByName);
  const loaded = useLifeboat((s) => s.backupsLoaded);
  const [f, setF] = useState<ListFilter>({ query: '', type: 'all', phase: 'all', sort: 'created', desc: true });
  const query = useDeferredValue(f.query);
  const rows = useMemo(() => filterAndSort(byName.values(), { ...f, query }), [byName, f, query]);
  const parentRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parentRef.current, estimateSize: () => ROW, overscan: 12 });
  // For the benchmark: the first time every backup is in the store and the visible rows are painted.
  useEffect(() => {
    if (!loaded || !byName.size || performance.getEntriesByName('lifeboat:backups-rendered').length) return;
    requestAnimationFrame(() => setTimeout(() => performance.mark('lifeboat:backups-rendered'), 0));
  }, [loaded, byName]);
  const sortBy = (k: SortKey) => setF((x) => ({ ...x, sort: k, desc: x.sort === k ? !x.desc : k === 'created' }));

  return (
    <div>
      <Group mb="sm" gap="xs" wrap="wrap">
        <TextInput size="xs" w={240} leftSection={<IconSearch size={14} aria-hidden />} placeholder="Search name, app, version" aria-label="Search backups" value={f.query} onChange={(e) => setF({ ...f, query: e.currentTarget.value })} data-testid="backup-search" />
        <SegmentedControl size="xs" value={f.phase} onChange={(p) => setF({ ...f, phase: p as ListFilter['phase'] })} data={[{ value: 'all', label: 'All' }, { value: 'running', label: 'Running' }, { value: 'completed', label: 'Completed' }, { value: 'problems', label: 'With problems' }]} aria-label="Filter by status" />
        <Select size="xs" w={170} value={f.type} onChange={(t) => setF({ ...f, type: (t ?? 'all') as ListFilter['type'] })} data={[{ value: 'all', label: 'All types' }, { value: 'full', label: 'Full' }, { value: 'partial', label: 'Partial (legacy)' }, { value: 'other', label: 'Other' }]} aria-label="Filter by type" allowDeselect={false} />
        <Text size="xs" c="dimmed" data-testid="backup-count" aria-live="polite">
          {loaded ? `${rows.length.toLocaleString()} of ${byName.size.toLocaleString()} backups` : 'Loading…'}
        </Text>
      </Group>
      <div role="table" aria-label="Backups" aria-rowcount={rows.length}>
        <div role="row" style={{ display: 'grid', gridTemplateColumns: COLS, gap: 8, padding: '6px 8px', borderBottom: '2px solid var(--mantine-color-default-border)' }}>
          {HEAD.map(([label, key]) => (
            <Group key={label} gap={2} role="columnheader" wrap="nowrap">
              <Text size="xs" fw={600}>
                {label}
              </Text>
              {key && (
                <ActionIcon size="xs" variant={f.sort === key ? 'light' : 'subtle'} onClick={() => sortBy(key)} aria-label={`Sort by ${label}`}>
                  {f.sort === key && !f.desc ? <IconArrowUp size={12} /> : <IconArrowDown size={12} />}
                </ActionIcon>
              )}
            </Group>
          ))}
        </div>
        <div ref={parentRef} style={{ height: 'min(60vh, 560px)', overflow: 'auto', position: 'relative' }} data-testid="backup-list">
          <div style={{ height: v.getTotalSize(), position: 'relative' }}>
            {v.getVirtualItems().map((r) => (
              <Row key={rows[r.index]!.name} b={rows[r.index]!} onOpen={onOpen} style={{ position: 'absolute', top: 0, left: 0, height: ROW, transform: `translateY(${r.start}px)` }} />
            ))}
          </div>
          {loaded && rows.length === 0 && (
            <Text size="sm" c="dimmed" p="md" data-testid="backup-empty">
              {byName.size ? 'No backup matches.' : 'No backups yet. “Back up now” takes the first one.'}
            </Text>
          )}
        </div>
      </div>
    </div>
  );
}
