import { Box, Checkbox, Group, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { ToolOutputLine } from '../../electron/api/contract.js';
import base from './logBase.module.css';
import classes from './LogView.module.css';

const ROW_HEIGHT = 20;

/**
 * A tool's output, virtualized so a run with tens of thousands of lines stays smooth. Follows
 * the tail while it is on (the default), stderr lines are marked in words as well as colour. A line
 * with a note (e.g. kots's version check on stderr) is marked "note", with the note as its title,
 * and is not coloured as an error.
 */
export function LogView({ lines, height = 360, label }: { lines: ToolOutputLine[]; height?: number; label: string }) {
  const parentRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  useEffect(() => {
    if (follow && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [follow, lines.length, virtualizer]);

  return (
    <Box>
      <Group justify="space-between" mb={6}>
        <Text size="xs" c="dimmed" aria-live="polite">
          {lines.length === 0 ? 'No output yet.' : `${lines.length.toLocaleString()} line${lines.length === 1 ? '' : 's'}`}
        </Text>
        <Checkbox size="xs" label="Follow new output" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} />
      </Group>
      <div
        ref={parentRef}
        className={`${base.viewport} ${classes.viewport}`}
        style={{ height }}
        role="log"
        aria-label={label}
        tabIndex={0}
        data-testid="log-view"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const l = lines[row.index];
            return (
              <div
                key={row.key}
                className={`${base.line} ${classes.line}`}
                data-stream={l.stream}
                data-note={l.note ? 'true' : undefined}
                title={l.note}
                style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
              >
                <span className={`${base.gutter} ${classes.gutter}`} aria-hidden>
                  {row.index + 1}
                </span>
                {l.note ? (
                  <span className={classes.noteTag} aria-label={`Note: ${l.note}`}>
                    note
                  </span>
                ) : (
                  l.stream === 'stderr' && <span className={classes.streamTag}>err</span>
                )}
                <span className={classes.text}>{l.line}</span>
              </div>
            );
          })}
        </div>
      </div>
    </Box>
  );
}
