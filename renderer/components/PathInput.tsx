/**
 * A path field (kubeconfig, CA certificate, export folder, registry archive): always typed; in the
 * Electron app also a "Browse…" button per dialog kind, which opens the native dialog in the main
 * process (app.choosePath) and puts the chosen path in the field. Web mode shows the typed field only.
 */
import { Button, Group, TextInput, type TextInputProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { IconFile, IconFolder } from '@tabler/icons-react';
import type { MethodInput } from '../../electron/api/contract.js';
import { useLifeboat } from '../store/index.js';

type ChooseInput = MethodInput<'app.choosePath'>;

/** One Browse button: which dialog, its title and filters, and the button's label. */
export type PathBrowse = Omit<ChooseInput, 'defaultPath'> & { label?: string };

const ALL_FILES = { name: 'All files', extensions: ['*'] };

/** A CA certificate (PEM file) field's dialog. */
export const CA_BROWSE: PathBrowse[] = [
  { kind: 'open-file', title: 'Choose the CA certificate (PEM)', filters: [{ name: 'PEM certificate', extensions: ['pem', 'crt', 'cer'] }, ALL_FILES] },
];

/** A registry export (its folder or its .tar) field's dialogs: the OS dialogs pick one or the other. */
export const ARCHIVE_BROWSE: PathBrowse[] = [
  { kind: 'open-folder', title: 'Choose the export folder', label: 'Folder…' },
  { kind: 'open-file', title: 'Choose the export .tar', filters: [{ name: 'Registry export (.tar)', extensions: ['tar'] }, ALL_FILES], label: '.tar…' },
];

interface PathInputProps extends Omit<TextInputProps, 'value' | 'onChange'> {
  value: string;
  onChange(value: string): void;
  /** Called after a path was chosen in a dialog (e.g. to check it as onBlur does). */
  onChosen?(value: string): void;
  browse: PathBrowse[];
}

export function PathInput({ value, onChange, onChosen, browse, disabled, ...props }: PathInputProps) {
  const desktop = useLifeboat((s) => s.appInfo?.mode === 'electron');
  const choosePath = useLifeboat((s) => s.choosePath);
  const testId = (props as { 'data-testid'?: string })['data-testid'];
  const pick = async (b: PathBrowse) => {
    const { label: _label, ...input } = b;
    const chosen = await choosePath({ ...input, ...(value.trim() ? { defaultPath: value.trim() } : {}) });
    if (!chosen) return;
    onChange(chosen);
    onChosen?.(chosen);
  };
  const buttons = desktop
    ? (children: ReactNode) => (
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <div style={{ flex: 1 }}>{children}</div>
          {browse.map((b) => (
            <Button
              key={b.kind}
              variant="default"
              disabled={disabled}
              leftSection={b.kind === 'open-folder' ? <IconFolder size={16} aria-hidden /> : <IconFile size={16} aria-hidden />}
              onClick={() => void pick(b)}
              data-testid={testId ? `${testId}-browse-${b.kind}` : undefined}
            >
              {b.label ?? 'Browse…'}
            </Button>
          ))}
        </Group>
      )
    : undefined;
  return (
    <TextInput {...props} value={value} disabled={disabled} spellCheck={false} onChange={(e) => onChange(e.currentTarget.value)} inputContainer={buttons} />
  );
}
