import { createTheme } from '@mantine/core';

/** Calm and legible: system fonts, a steady blue, generous radius, nothing that shouts. */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: 'md',
  fontFamily: 'Inter, "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", "Cascadia Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
  headings: { fontWeight: '650' },
  focusRing: 'auto',
  cursorType: 'pointer',
  components: {
    Card: { defaultProps: { withBorder: true, padding: 'lg', radius: 'md' } },
    Tooltip: { defaultProps: { openDelay: 300 } },
    // Sentence case reads calmer than shouting capitals.
    Badge: { styles: { label: { textTransform: 'none' } } },
  },
});
