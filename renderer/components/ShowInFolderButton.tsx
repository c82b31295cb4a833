/** "Show in folder" for a report or export Lifeboat wrote: Electron only (hidden in web mode). */
import { Button, type ButtonProps } from '@mantine/core';
import { IconFolderOpen } from '@tabler/icons-react';
import { useLifeboat } from '../store/index.js';

export function ShowInFolderButton({ path, label = 'Show in folder', ...props }: ButtonProps & { path: string; label?: string; 'data-testid'?: string }) {
  const desktop = useLifeboat((s) => s.appInfo?.mode === 'electron');
  const showInFolder = useLifeboat((s) => s.showInFolder);
  if (!desktop) return null;
  return (
    <Button variant="subtle" size="compact-sm" leftSection={<IconFolderOpen size={14} aria-hidden />} onClick={() => void showInFolder(path)} {...props}>
      {label}
    </Button>
  );
}
