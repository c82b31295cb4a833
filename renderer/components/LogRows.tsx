import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactNode } from 'react';
import base from './logBase.module.css';

/** Row height in px, as logBase.module.css draws it. */
const ROW_HEIGHT = 20;

/** One row: its line number (1-based), its own attributes (data-*, title) and what follows the gutter. */
export interface LogRow {
  number: number;
  attrs: Record<string, string | undefined>;
  content: ReactNode;
}

/**
 * The scrolling part every log pane shares (LogView, LogViewer): a focusable `role="log"` viewport
 * with only the visible rows in the DOM, each absolutely placed with a line-number gutter. `classes`
 * are the pane's own additions to logBase.module.css; `children` come after the rows.
 */
export function LogRows({
  count,
  row,
  label,
  height,
  overscan,
  follow = false,
  testId,
  classes,
  children,
}: {
  count: number;
  row: (index: number) => LogRow;
  label: string;
  height: number;
  overscan: number;
  /** Keep the last row in view as rows are added. */
  follow?: boolean;
  testId: string;
  classes: { viewport?: string; line?: string; gutter?: string };
  children?: ReactNode;
}) {
  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan });

  useEffect(() => {
    if (follow && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [follow, count, virtualizer]);

  return (
    <div ref={parentRef} className={`${base.viewport} ${classes.viewport}`} style={{ height }} role="log" aria-label={label} tabIndex={0} data-testid={testId}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const r = row(v.index);
          return (
            <div key={v.key} className={`${base.line} ${classes.line}`} {...r.attrs} style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}>
              <span className={`${base.gutter} ${classes.gutter}`} aria-hidden>
                {r.number}
              </span>
              {r.content}
            </div>
          );
        })}
      </div>
      {children}
    </div>
  );
}
