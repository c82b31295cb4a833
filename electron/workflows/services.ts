/**
 * The services every workflow area may use, built once in electron/app.ts. Areas receive this
 * object rather than importing each other, so no area reaches into another's internals.
 */
import type { ClusterService } from '../cluster/service.js';
import type { EnvironmentDetector } from '../environment/detect.js';
import type { EventBus } from '../events.js';
import type { Journal } from '../journal.js';
import type { Binaries } from '../tools/binaries.js';
import type { ToolRunner } from '../tools/runner.js';
import type { Tools } from '../tools/tools.js';

export interface Services {
  bus: EventBus;
  cluster: ClusterService;
  detector: EnvironmentDetector;
  binaries: Binaries;
  runner: ToolRunner;
  /** Runs bundled tools against the connected cluster. */
  tools: Tools;
  journal: Journal;
  /** The app's data directory: wizard state, journal, caches. */
  dataDir: string;
  env: NodeJS.ProcessEnv;
}
