/**
 * A table row chosen as a whole, one of several (the restore wizard's backups): a click anywhere in
 * the row selects it, and so do Enter and Space when the row has the keyboard focus; ↑/↓ move the
 * focus to the previous/next row that can be chosen. A disabled row cannot be chosen nor focused.
 * The row keeps its own radio (or checkbox) for the state read aloud; clicks on controls inside the
 * row (links, buttons, inputs) are theirs, not the row's.
 */
import type React from 'react';
import classes from './SelectableRow.module.css';

export interface SelectableRowOptions {
  selected: boolean;
  disabled?: boolean;
  onSelect(): void;
}

/** Elements inside a row whose clicks are their own. */
const CONTROLS = 'a, button, input, select, textarea, label, [role="button"], [role="link"]';

type Target = { closest?(selector: string): unknown } | null;

function insideControl(target: Target, row: unknown): boolean {
  const hit = target?.closest?.(CONTROLS);
  return !!hit && hit !== row;
}

/** The next (dir 1) or previous (dir -1) sibling row that can take the focus. */
function siblingRow(row: HTMLElement, dir: 1 | -1): HTMLElement | undefined {
  for (let el = dir > 0 ? row.nextElementSibling : row.previousElementSibling; el; el = dir > 0 ? el.nextElementSibling : el.previousElementSibling) {
    if ((el as HTMLElement).tabIndex >= 0 && el.getAttribute('aria-disabled') !== 'true') return el as HTMLElement;
  }
  return undefined;
}

export function selectableRowProps({ selected, disabled = false, onSelect }: SelectableRowOptions) {
  return {
    className: classes.row,
    tabIndex: disabled ? undefined : 0,
    'aria-selected': selected,
    'aria-disabled': disabled || undefined,
    'data-selected': selected || undefined,
    onClick(e: Pick<React.MouseEvent<HTMLElement>, 'target' | 'currentTarget'>) {
      if (disabled || insideControl(e.target as Target, e.currentTarget)) return;
      onSelect();
    },
    onKeyDown(e: Pick<React.KeyboardEvent<HTMLElement>, 'key' | 'target' | 'currentTarget' | 'preventDefault' | 'altKey' | 'ctrlKey' | 'metaKey'>) {
      // Keys typed in a control inside the row (the radio's own Space) are the control's.
      if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        if (!disabled) onSelect();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const to = siblingRow(e.currentTarget, e.key === 'ArrowDown' ? 1 : -1);
        if (to) {
          e.preventDefault();
          to.focus();
        }
      }
    },
  };
}
