import { IconArrowDown, IconArrowUp, IconSearch, IconSelector } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import classes from './BackupList.module.css';
import type { BackupSummary } from '../../../electron/api/contract.js';
import { absoluteTime, bytes, duration, relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { backupDurationMs, count, filterAndSort, phaseTone, typeLabel, type ListFilter, type SortKey } from './format.js';

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

const PHASES: Array<[ListFilter['phase'], string]> = [
  ['all', 'All'],
  ['running', 'Running'],
  ['completed', 'Completed'],
  ['problems', 'With problems'],
];

const TYPES: Array<[ListFilter['type'], string]> = [
  ['all', 'All types'],
  ['full', 'Full'],
  ['partial', 'Partial (legacy)'],
  ['other', 'Other'],
];

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

type SetFilter = React.Dispatch<React.SetStateAction<ListFilter>>;

/** Search, status and type filters and the count: plain elements styled like Mantine's xs inputs, as the toolbar is part of the list's first paint. */
function Toolbar({ f, setF, id, countText }: { f: ListFilter; setF: SetFilter; id: string; countText: string }) {
  return (
    <div className={classes.toolbar}>
      <div className={classes.search}>
        <IconSearch size={14} aria-hidden className={classes.searchIcon} />
        <input
          type="search"
          className={classes.input}
          placeholder="Search name, app, version"
          aria-label="Search backups"
          value={f.query}
          onChange={(e) => setF({ ...f, query: e.currentTarget.value })}
          data-testid="backup-search"
        />
      </div>
      <div role="radiogroup" aria-label="Filter by status" className={classes.segments}>
        {PHASES.map(([value, label]) => (
          <label key={value} className={classes.segment} data-active={f.phase === value || undefined}>
            <input
              type="radio"
              name={`${id}-phase`}
              value={value}
              checked={f.phase === value}
              onChange={() => setF({ ...f, phase: value })}
              className={classes.segmentInput}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>
      <div className={classes.selectWrap}>
        <select
          className={`${classes.input} ${classes.select}`}
          value={f.type}
          onChange={(e) => setF({ ...f, type: e.currentTarget.value as ListFilter['type'] })}
          aria-label="Filter by type"
        >
          {TYPES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <IconSelector size={14} aria-hidden className={classes.chevron} />
      </div>
      <span className={classes.count} data-testid="backup-count" aria-live="polite">
        {countText}
      </span>
    </div>
  );
}

function HeadRow({ f, sortBy }: { f: ListFilter; sortBy: (k: SortKey) => void }) {
  return (
    <div role="row" className={classes.head} style={{ gridTemplateColumns: COLS }}>
      {HEAD.map(([label, key]) => (
        <div key={label} role="columnheader" className={classes.headCell} aria-sort={key && f.sort === key ? (f.desc ? 'descending' : 'ascending') : undefined}>
          <span>{label}</span>
          {key && (
            <button
              type="button"
              className={classes.sort}
              data-active={f.sort === key || undefined}
              onClick={() => sortBy(key)}
              aria-label={`Sort by ${label}`}
            >
              {f.sort === key && !f.desc ? <IconArrowUp size={12} aria-hidden /> : <IconArrowDown size={12} aria-hidden />}
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

/**
 * Every Velero Backup, virtualized (thousands stay smooth), kept current by watch events. The whole
 * list (toolbar, header, rows) is plain elements styled by class: it is the first thing a page
 * opened at #/backups paints, and component styling work there would hold up that paint.
 */
export function BackupList({ onOpen }: { onOpen: (name: string) => void }) {
  const byName = useLifeboat((s) => s.backupsByName);
  const loaded = useLifeboat((s) => s.backupsLoaded);
  const id = useId();
  const [f, setF] = useState<ListFilter>({ query: '', type: 'all', phase: 'all', sort: 'created', desc: true });
  const query = useDeferredValue(f.query);
  const rows = useMemo(() => filterAndSort(byName.values(), { ...f, query }), [byName, f, query]);
  const parentRef = useRef<HTMLDivElement>(null);
  // initialRect: the list's height as its style sets it (min(60vh, 560px)), so the first render
  // already has the visible rows instead of rendering again once the element has been measured.
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW,
    overscan: 12,
    initialRect: { width: 0, height: Math.min(window.innerHeight * 0.6, 560) },
  });
  // For the benchmark: the first time every backup is in the store and the visible rows are painted.
  useEffect(() => {
    if (!loaded || !byName.size || performance.getEntriesByName('lifeboat:backups-rendered').length) return;
    requestAnimationFrame(() => setTimeout(() => performance.mark('lifeboat:backups-rendered'), 0));
  }, [loaded, byName]);
  const sortBy = (k: SortKey) => setF((x) => ({ ...x, sort: k, desc: x.sort === k ? !x.desc : k === 'created' }));

  return (
    <div>
      <Toolbar f={f} setF={setF} id={id} countText={loaded ? `${count(rows.length)} of ${count(byName.size)} backups` : 'Loading…'} />
      <div role="table" aria-label="Backups" aria-rowcount={rows.length}>
        <HeadRow f={f} sortBy={sortBy} />
        <div ref={parentRef} style={{ height: 'min(60vh, 560px)', overflow: 'auto', position: 'relative' }} data-testid="backup-list">
          <div style={{ height: v.getTotalSize(), position: 'relative' }}>
            {v.getVirtualItems().map((r) => (
              <Row
                key={rows[r.index].name}
                b={rows[r.index]}
                onOpen={onOpen}
                style={{ position: 'absolute', top: 0, left: 0, height: ROW, transform: `translateY(${r.start}px)` }}
              />
            ))}
          </div>
          {loaded && rows.length === 0 && (
            <p className={classes.empty} data-testid="backup-empty">
              {byName.size ? 'No backup matches.' : 'No backups yet. “Back up now” takes the first one.'}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
