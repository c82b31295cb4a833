import { Box, Checkbox, Group, Text } from '@mantine/core';
import { useState } from 'react';
import type { ToolOutputLine } from '../../electron/api/contract.js';
import { LogRows } from './LogRows.js';
import classes from './LogView.module.css';

/**
 * A tool's output, virtualized so a run with tens of thousands of lines stays smooth. Follows
 * the tail while it is on (the default), stderr lines are marked in words as well as colour. A line
 * with a note (e.g. kots's version check on stderr) is marked "note", with the note as its title,
 * and is not coloured as an error.
 */
export function LogView({ lines, height = 360, label }: { lines: ToolOutputLine[]; height?: number; label: string }) {
  const [follow, setFollow] = useState(true);

  return (
    <Box>
      <Group justify="space-between" mb={6}>
        <Text size="xs" c="dimmed" aria-live="polite">
          {lines.length === 0 ? 'No output yet.' : `${lines.length.toLocaleString()} line${lines.length === 1 ? '' : 's'}`}
        </Text>
        <Checkbox size="xs" label="Follow new output" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} />
      </Group>
      <LogRows
        count={lines.length}
        row={(i) => {
          const l = lines[i];
          return {
            number: i + 1,
            attrs: { 'data-stream': l.stream, 'data-note': l.note ? 'true' : undefined, title: l.note },
            content: (
              <>
                {l.note ? (
                  <span className={classes.noteTag} aria-label={`Note: ${l.note}`}>
                    note
                  </span>
                ) : (
                  l.stream === 'stderr' && <span className={classes.streamTag}>err</span>
                )}
                <span className={classes.text}>{l.line}</span>
              </>
            ),
          };
        }}
        label={label}
        height={height}
        overscan={20}
        follow={follow}
        testId="log-view"
        classes={classes}
      />
    </Box>
  );
}
