/**
 * The one way the layers above run a bundled tool against the connected cluster: resolves and
 * verifies the binary (binaries.ts), points it at the connected kubeconfig and context, and runs it
 * through the runner (journal, streaming, cancel, redaction).
 *
 * The kubeconfig goes in through the KUBECONFIG environment variable and the context as a flag;
 * credentials never go in argv where the tool offers another way. velero takes `--kubecontext`,
 * kubectl-kots takes `--context`.
 * kubectl-kots reads KOTS_<FLAG> for every flag not given on argv (kots cmd/kots/cli/root.go at
 * v1.131.4: SetEnvPrefix("KOTS"), AutomaticEnv, '-' → '_'), so a KOTS_PATH or KOTS_REGISTRY_PASSWORD
 * left in Lifeboat's own environment would silently change a command: those are removed, and only
 * the KOTS_ variables the caller passes reach it.
 * kubectl-kots's version-check notice on stderr is noted, not treated as output (kots/versionCheck.ts).
 */
import { kotsOutputNote } from '../kots/versionCheck.js';
import type { ToolName, Binaries } from './binaries.js';
import type { RunHandle, RunResult, RunSpec, ToolRunner } from './runner.js';

export interface ClusterTarget {
  kubeconfigPath?: string;
  context?: string;
}

export type ToolRunOptions = Omit<RunSpec, 'tool' | 'file' | 'args'>;

export class Tools {
  constructor(
    private readonly binaries: Binaries,
    private readonly runner: ToolRunner,
    private readonly target: () => ClusterTarget,
  ) {}

  /** argv for `name` with the cluster context flag added (when a context is selected). */
  argsFor(name: ToolName, args: readonly string[]): string[] {
    const { context } = this.target();
    if (!context) return [...args];
    return [...args, name === 'velero' ? `--kubecontext=${context}` : `--context=${context}`];
  }

  envFor(extra?: Record<string, string>): Record<string, string> {
    const { kubeconfigPath } = this.target();
    return { ...(kubeconfigPath ? { KUBECONFIG: kubeconfigPath } : {}), ...extra };
  }

  /** The child's environment: envFor plus, for kubectl-kots, every inherited KOTS_* removed. */
  private childEnv(name: ToolName, extra?: Record<string, string | undefined>): Record<string, string | undefined> {
    const cleared: Record<string, undefined> = {};
    if (name === 'kubectl-kots') for (const k of Object.keys(process.env)) if (/^KOTS_/i.test(k)) cleared[k] = undefined;
    return { ...cleared, ...this.envFor(), ...extra };
  }

  /**
   * kubectl-kots checks its version against the admin console's after every successful command and
   * may print a notice on stderr; nothing turns that off (kots/versionCheck.ts), so it is noted.
   */
  private noteFor(name: ToolName, opts: ToolRunOptions): RunSpec['noteFor'] {
    return opts.noteFor ?? (name === 'kubectl-kots' ? kotsOutputNote : undefined);
  }

  async start(name: ToolName, args: readonly string[], opts: ToolRunOptions = {}): Promise<RunHandle> {
    const file = await this.binaries.resolve(name);
    return this.runner.start({
      ...opts,
      tool: name,
      file,
      args: this.argsFor(name, args),
      env: this.childEnv(name, opts.env),
      noteFor: this.noteFor(name, opts),
    });
  }

  async run(name: ToolName, args: readonly string[], opts: ToolRunOptions = {}): Promise<RunResult> {
    return (await this.start(name, args, opts)).done;
  }

  async runJson<T = unknown>(
    name: ToolName,
    args: readonly string[],
    opts: ToolRunOptions & { validate?: (v: unknown) => T } = {},
  ): Promise<{ result: RunResult; value: T }> {
    const file = await this.binaries.resolve(name);
    const { validate, ...rest } = opts;
    return this.runner.runJson<T>(
      { ...rest, tool: name, file, args: this.argsFor(name, args), env: this.childEnv(name, opts.env), noteFor: this.noteFor(name, rest) },
      validate,
    );
  }
}
