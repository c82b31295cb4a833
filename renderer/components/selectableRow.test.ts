import { describe, expect, it, vi } from 'vitest';
import { selectableRowProps } from './selectableRow.js';

/** Just enough of a DOM element for the handlers: closest() over a parent chain, siblings, focus. */
class El {
  tabIndex = -1;
  parent?: El;
  nextElementSibling: El | null = null;
  previousElementSibling: El | null = null;
  attrs: Record<string, string> = {};
  focus = vi.fn();
  constructor(readonly tag: string) {}
  closest(selector: string): El | null {
    const tags = selector.split(',').map((s) => s.trim());
    for (let e: El | undefined = this; e; e = e.parent) if (tags.includes(e.tag)) return e;
    return null;
  }
  getAttribute(name: string): string | null {
    return this.attrs[name] ?? null;
  }
}

function row() {
  const tr = new El('tr');
  const text = new El('p');
  text.parent = tr;
  const radio = new El('input');
  radio.parent = tr;
  const link = new El('a');
  link.parent = tr;
  return { tr, text, radio, link };
}

const key = (k: string, target: unknown, currentTarget: unknown, mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey', boolean>> = {}) =>
  ({
    key: k,
    target,
    currentTarget,
    preventDefault: vi.fn(),
    altKey: false,
    ctrlKey: false,
    metaKey: false,
    ...mods,
  }) as any;

describe('selectableRowProps', () => {
  it('a click anywhere in the row selects it, but not a click on a control inside it', () => {
    const onSelect = vi.fn();
    const p = selectableRowProps({ selected: false, onSelect });
    const { tr, text, radio, link } = row();
    p.onClick({ target: text, currentTarget: tr } as any);
    p.onClick({ target: tr, currentTarget: tr } as any);
    expect(onSelect).toHaveBeenCalledTimes(2);
    p.onClick({ target: radio, currentTarget: tr } as any); // the radio's own change selects
    p.onClick({ target: link, currentTarget: tr } as any);
    expect(onSelect).toHaveBeenCalledTimes(2);
  });

  it("Enter and Space on the focused row select it; keys typed in a control inside are the control's", () => {
    const onSelect = vi.fn();
    const p = selectableRowProps({ selected: false, onSelect });
    const { tr, radio } = row();
    const enter = key('Enter', tr, tr);
    p.onKeyDown(enter);
    p.onKeyDown(key(' ', tr, tr));
    expect(onSelect).toHaveBeenCalledTimes(2);
    expect(enter.preventDefault).toHaveBeenCalled();
    p.onKeyDown(key(' ', radio, tr));
    p.onKeyDown(key('Enter', tr, tr, { ctrlKey: true }));
    p.onKeyDown(key('a', tr, tr));
    expect(onSelect).toHaveBeenCalledTimes(2);
  });

  it('a disabled row is neither focusable nor selectable', () => {
    const onSelect = vi.fn();
    const p = selectableRowProps({ selected: false, disabled: true, onSelect });
    const { tr, text } = row();
    expect(p.tabIndex).toBeUndefined();
    expect(p['aria-disabled']).toBe(true);
    p.onClick({ target: text, currentTarget: tr } as any);
    p.onKeyDown(key('Enter', tr, tr));
    p.onKeyDown(key(' ', tr, tr));
    expect(onSelect).not.toHaveBeenCalled();
  });

  it('says whether it is selected, and is in the tab order when it can be chosen', () => {
    expect(selectableRowProps({ selected: true, onSelect() {} })).toMatchObject({ tabIndex: 0, 'aria-selected': true, 'data-selected': true });
    expect(selectableRowProps({ selected: false, onSelect() {} })).toMatchObject({ tabIndex: 0, 'aria-selected': false });
  });

  it('↑/↓ move the focus to the previous/next row that can be chosen, skipping disabled ones', () => {
    const [a, b, c] = [new El('tr'), new El('tr'), new El('tr')];
    a.tabIndex = 0;
    b.attrs['aria-disabled'] = 'true';
    c.tabIndex = 0;
    a.nextElementSibling = b;
    b.previousElementSibling = a;
    b.nextElementSibling = c;
    c.previousElementSibling = b;
    const p = selectableRowProps({ selected: false, onSelect: vi.fn() });
    p.onKeyDown(key('ArrowDown', a, a));
    expect(c.focus).toHaveBeenCalled();
    p.onKeyDown(key('ArrowUp', c, c));
    expect(a.focus).toHaveBeenCalled();
    const none = key('ArrowUp', a, a);
    p.onKeyDown(none);
    expect(none.preventDefault).not.toHaveBeenCalled();
  });
});
