/**
 * Config acceptance beside the schema: a config JSON either accepted (parsed and resolved) or
 * refused as a value, naming the field as a dotted path with the one-line message `sim run` prints.
 * The worker answers configure() with it, so the page shows that same refusal next to the control.
 */

import { refuseInaccurateGrid, withAccurateAutomaticBox } from './collision/gridAccuracy';
import type { ResolvedConfig } from './config';
import { type ParsedConfig, parseConfig, resolveConfig } from './configSchema';
import { InvalidParameterError } from './velocityGrid';

/** An accepted config: parsed (optional sections filled) and resolved. */
export interface AcceptedConfig {
  readonly ok: true;
  readonly parsed: ParsedConfig;
  readonly config: ResolvedConfig;
  readonly warnings: string[];
}

/** A refusal: `field` the dotted path of the refused field, null for the whole config. */
export interface RefusedConfig {
  readonly ok: false;
  readonly field: string | null;
  readonly message: string;
}

/**
 * parseConfig + the automatic box by the target + resolveConfig + refuseInaccurateGrid of the CLI's contract (`sim run` checks the
 * same), a refusal as a value instead of a throw: the
 * field as a dotted path ("species.1.mass", "grid.nv"), the message the CLI would print (field,
 * value received, allowed range). Errors other than InvalidParameterError are rethrown.
 */
export function acceptConfig(json: unknown): AcceptedConfig | RefusedConfig {
  try {
    const parsed = parseConfig(json);
    // the automatic box by the target (issue 16), measured only where the alias-free one misses
    const box = withAccurateAutomaticBox(parsed);
    const resolved = resolveConfig(box.config);
    const { config } = resolved;
    // the grid's exchange rates against exact theory (seconds at N_v = 32, memoised)
    const warnings = refuseInaccurateGrid(config, config.grid.vmax, resolved.warnings);
    if (box.choice) warnings.unshift(box.choice.note);
    return { ok: true, parsed, config, warnings };
  } catch (e) {
    const refusal = configRefusal(e);
    if (refusal) return refusal;
    throw e;
  }
}

/** The refusal carried by an InvalidParameterError (null for any other error). */
export function configRefusal(error: unknown): RefusedConfig | null {
  if (!(error instanceof InvalidParameterError)) return null;
  return { ok: false, field: dottedPath(error.field), message: error.message };
}

/**
 * configSchema's field path ("species[1].drift[0]") as a dotted path ("species.1.drift.0"); the
 * whole config ("config") is null.
 */
export function dottedPath(field: string): string | null {
  if (field === 'config' || field === '') return null;
  return field.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}
