/**
 * The unfinished ε-sweep in IndexedDB: what defines the sweep (the parsed config and the
 * ε list: the engine's plan is made from them) and every point finished so far, as the engine's
 * FinishedSweepPoint entries (the same shape as `sim sweep`'s sweep-progress.json). The validity
 * panel rewrites it after each finished point and deletes it when the sweep is done; a reload shows
 * its points and offers to resume, which hands them back to the worker's sweep (runSweep's resume:
 * they are taken as they are, only the others run).
 *
 * A record read back is checked in full before anything is shown (checkStoredSweep): the config as
 * configure checks one, the ε list as sweep does, and the points against the plan
 * (resumeFromStored). A record that fails is refused with the reason and deleted.
 */
import { type ParsedConfig, parseConfig } from '../physics/configSchema';
import {
  type FinishedSweepPoint,
  finishedSweepPoints,
  planSweep,
  resumeFromStored,
  type SweepPlan,
  type SweepResume,
} from '../physics/sweepPlan';
import { deleteRecord, readRecord, writeRecord } from './autosave';

/** The record's key in autosave.ts's store. */
const KEY = 'sweep';
export const STORED_SWEEP_VERSION = 1;

export interface StoredSweep {
  readonly version: typeof STORED_SWEEP_VERSION;
  /** Date.now() when it was written. */
  readonly savedAt: number;
  readonly config: ParsedConfig;
  readonly knudsen: readonly number[];
  /** The finished points, in plan order. */
  readonly points: readonly FinishedSweepPoint[];
}

/** A stored sweep that passed every check, with the plan it belongs to. */
export interface CheckedSweep {
  readonly sweep: StoredSweep;
  readonly plan: SweepPlan;
  readonly resume: SweepResume;
}

/** Why a stored record cannot be resumed; the message is shown on the page. */
export class StoredSweepError extends Error {
  override readonly name = 'StoredSweepError';
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Checks a record read back from IndexedDB (anything: another version's, a half-written one, a
 * tampered one). Throws StoredSweepError naming the first fault; the sweep it returns is rebuilt
 * from the checked parts only.
 */
export function checkStoredSweep(value: unknown): CheckedSweep {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StoredSweepError('the record is not an object');
  }
  const record = value as Record<string, unknown>;
  if (record.version !== STORED_SWEEP_VERSION) {
    throw new StoredSweepError(
      `the record's version is ${String(record.version)}, this page reads version ${STORED_SWEEP_VERSION}`,
    );
  }
  const { savedAt, knudsen, points } = record;
  if (!(typeof savedAt === 'number' && Number.isFinite(savedAt))) {
    throw new StoredSweepError('the record has no time of writing');
  }
  if (
    !Array.isArray(knudsen) ||
    knudsen.length === 0 ||
    !knudsen.every((k) => typeof k === 'number' && Number.isFinite(k) && k > 0) ||
    new Set(knudsen).size !== knudsen.length
  ) {
    throw new StoredSweepError('its ε list is not a non-empty list of distinct numbers > 0');
  }
  let config: ParsedConfig;
  let plan: SweepPlan;
  try {
    config = parseConfig(record.config);
    plan = planSweep(config, knudsen as number[], { trustCheck: true });
  } catch (e) {
    throw new StoredSweepError(`its set-up is refused: ${messageOf(e)}`);
  }
  let resume: SweepResume;
  try {
    resume = resumeFromStored(plan, points);
  } catch (e) {
    throw new StoredSweepError(`its finished points are refused: ${messageOf(e)}`);
  }
  const finished = finishedSweepPoints(resume.points);
  return {
    sweep: { version: STORED_SWEEP_VERSION, savedAt, config, knudsen: [...knudsen], points: finished },
    plan,
    resume,
  };
}

/** The stored record as it is (null: none); checkStoredSweep decides whether it can be used. */
export function readStoredSweep(): Promise<unknown> {
  return readRecord(KEY).then((value) => value ?? null);
}

/** Replaces the stored sweep (atomically: a tab closed mid-write leaves the previous record). */
export function writeStoredSweep(sweep: StoredSweep): Promise<void> {
  return writeRecord(KEY, sweep);
}

export function deleteStoredSweep(): Promise<void> {
  return deleteRecord(KEY);
}
