/**
 * Where the page gets its set-ups: the presets of physics/presets.ts and the share-URL codec of
 * physics/shareUrl.ts, with the one rule the page adds: a URL that carries none of the share keys
 * is "no set-up" (the default preset), not a refusal.
 */
import type { SimulationConfig } from '../physics/config';
import { PRESETS, type Preset } from '../physics/presets';
import { decodeShareParams, SHARE_KEYS, shareUrl } from '../physics/shareUrl';

export { PRESETS, type Preset };

export type UrlSetup =
  | { readonly kind: 'none' }
  | { readonly kind: 'config'; readonly config: SimulationConfig; readonly presetId: string | null }
  | { readonly kind: 'refused'; readonly message: string };

/** The set-up in a page's query string (see shareUrl.ts for the keys). */
export function setupFromUrl(search: string): UrlSetup {
  const params = new URLSearchParams(search);
  if (!SHARE_KEYS.some((key) => params.has(key))) return { kind: 'none' };
  const decoded = decodeShareParams(params);
  if (!decoded.ok) return { kind: 'refused', message: decoded.message };
  return { kind: 'config', config: decoded.config, presetId: decoded.presetId ?? null };
}

/** The page's URL with the set-up's parameters (every field of the config). */
export function shareUrlOf(config: SimulationConfig, presetId: string | null): string {
  return shareUrl(location.href, config, presetId ?? undefined);
}
