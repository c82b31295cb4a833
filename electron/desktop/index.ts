/**
 * Lifeboat's desktop conveniences, Electron only (main.ts is the one importer; web mode has none):
 * - native file dialogs for every path field (app.choosePath; the typed field stays),
 * - "Show in folder" for the reports and exports Lifeboat wrote (app.showInFolder; any other
 *   path is refused, writtenPaths.ts),
 * - an OS notification when a long backup, restore or registry job ends while the window is not
 *   focused (finished.ts),
 * - the renderer's "Save report" downloads get a native save dialog with a title and filters.
 */
import { existsSync } from 'node:fs';
import { dialog, Notification, shell, type BrowserWindow, type Session } from 'electron';
import type { DesktopHandlers } from '../app.js';
import type { EventBus } from '../events.js';
import type { Handlers } from '../transport/dispatch.js';
import { chosenPath, dialogRequest } from './dialogs.js';
import { FinishedJobs, noticeToShow } from './finished.js';
import { WrittenPaths } from './writtenPaths.js';

export interface Desktop {
  /** For createApp's `desktop` option. */
  handlers: DesktopHandlers;
  /** Follows the bus: notices what Lifeboat wrote, notifies when long jobs end. Returns the unsubscribe. */
  attach(bus: EventBus): () => void;
  /** The app's handlers, each reply also noticed for paths Lifeboat wrote (restore.report's savedTo, registry.jobs). */
  observe(handlers: Handlers): Handlers;
  /** A titled native save dialog for the renderer's downloads (Save report). */
  downloads(session: Session): void;
}

export function createDesktop(window: () => BrowserWindow | undefined): Desktop {
  const written = new WrittenPaths();
  const finished = new FinishedJobs();

  const handlers: DesktopHandlers = {
    async 'app.choosePath'(input) {
      const req = dialogRequest(input);
      const win = window();
      if (req.save) return chosenPath(win ? await dialog.showSaveDialog(win, req.options) : await dialog.showSaveDialog(req.options));
      return chosenPath(win ? await dialog.showOpenDialog(win, req.options) : await dialog.showOpenDialog(req.options));
    },
    'app.showInFolder'({ path }) {
      if (!written.has(path)) return { shown: false, reason: 'Lifeboat shows only the reports and exports it wrote in this session.' };
      if (!existsSync(path)) return { shown: false, reason: `${path} is no longer there.` };
      shell.showItemInFolder(path);
      return { shown: true };
    },
  };

  function notify(title: string, body: string) {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body });
    n.on('click', () => {
      const win = window();
      if (!win) return;
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    });
    n.show();
  }

  return {
    handlers,
    attach(bus) {
      return bus.on((event, payload) => {
        written.note(event, payload);
        const notice = noticeToShow(finished.ended(event, payload), window()?.isFocused() ?? false);
        if (notice) notify(notice.title, notice.body);
      });
    },
    observe(all) {
      const wrapped = { ...all } as Record<string, (input: unknown) => unknown>;
      for (const [name, handler] of Object.entries(all) as Array<[string, (input: unknown) => unknown]>) {
        wrapped[name] = async (input) => {
          const out = await handler(input);
          written.note(name, out);
          return out;
        };
      }
      return wrapped as Handlers;
    },
    downloads(session) {
      session.on('will-download', (_e, item) => {
        const md = item.getFilename().endsWith('.md');
        item.setSaveDialogOptions({
          title: 'Save report',
          filters: [md ? { name: 'Markdown', extensions: ['md'] } : { name: 'JSON', extensions: ['json'] }, { name: 'All files', extensions: ['*'] }],
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        });
      });
    },
  };
}
