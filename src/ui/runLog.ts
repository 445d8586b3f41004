/**
 * The run log (data-testid "run-notice"): what happened to the run that the user did not ask for,
 * or asked for from a file: a recovery after the GPU device was lost, each rollback of
 * the step guard (Δt halved), the guard giving up, a checkpoint loaded or refused, the autosaved
 * run resumed or discarded. Newest line last; at most MAX_LINES are kept. A live region, so a
 * screen reader announces each line as it is added.
 */

export type NoticeKind = 'info' | 'warning' | 'error';

/** Lines kept; older ones are dropped (a run that rolls back often must not grow the page). */
const MAX_LINES = 50;

export class RunLog {
  constructor(private readonly list: HTMLElement) {
    list.setAttribute('role', 'log');
    list.setAttribute('aria-live', 'polite');
  }

  /** Adds a line, stamped with the wall-clock time (and the simulated time when known). */
  add(text: string, kind: NoticeKind = 'info', simTime: number | null = null): void {
    const item = document.createElement('li');
    item.className = `notice-${kind}`;
    const stamp = document.createElement('span');
    stamp.className = 'notice-stamp';
    const clock = new Date().toLocaleTimeString([], { hour12: false });
    stamp.textContent = simTime === null ? clock : `${clock}, t = ${Number(simTime.toPrecision(6))}`;
    item.append(stamp, ` ${text}`);
    this.list.append(item);
    while (this.list.children.length > MAX_LINES) this.list.firstElementChild?.remove();
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** The lines shown, oldest first (tests, the automation hook). */
  lines(): string[] {
    return Array.from(this.list.children, (li) => li.textContent ?? '');
  }
}
