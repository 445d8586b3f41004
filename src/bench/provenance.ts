/** Where a bench run comes from: the commit and whether the working tree had changes. */
import { execFileSync } from 'node:child_process';

function git(args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export interface Provenance {
  /** `git rev-parse --short HEAD`, or "unknown" (no git, not a repository). */
  readonly commit: string;
  /** Tracked files differ from the commit (null: unknown). */
  readonly worktreeDirty: boolean | null;
}

export function provenance(): Provenance {
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  return { commit: commit || 'unknown', worktreeDirty: status === null ? null : status.length > 0 };
}
