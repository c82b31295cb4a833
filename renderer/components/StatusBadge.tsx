import { Badge } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleDashed, IconCircleX, IconLoader2 } from '@tabler/icons-react';
import { toneColor, type Tone } from '../format.js';

const icons = {
  ok: IconCircleCheck,
  warning: IconAlertTriangle,
  error: IconCircleX,
  neutral: IconCircleDashed,
  progress: IconLoader2,
} as const;

/** A status in words with a colour and an icon, so it never depends on colour alone. */
export function StatusBadge({ tone, children, size = 'md', testId }: { tone: Tone; children: React.ReactNode; size?: 'sm' | 'md' | 'lg'; testId?: string }) {
  const Icon = icons[tone];
  return (
    <Badge
      color={toneColor(tone)}
      variant="light"
      size={size}
      leftSection={<Icon size={14} aria-hidden />}
      styles={{ label: { textTransform: 'none' } }}
      data-testid={testId}
      data-tone={tone}
    >
      {children}
    </Badge>
  );
}
