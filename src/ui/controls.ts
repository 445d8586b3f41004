/**
 * The control panel (lil-gui): presets, the physical parameters of parameters.ts, the run controls
 * (play/pause, single step, reset, speed) and the view options.
 *
 * A physical edit is a CANDIDATE config: the panel asks the worker (through `apply`), which either
 * accepts it (the run restarts from t = 0) or refuses it with a message; the message is shown next
 * to the control (data-testid "control-error"), the control reverts, and the run goes on as it was.
 * Typed text is read as the user typed it (lil-gui would clamp it to the slider's range or drop
 * what does not parse, so "0" and "NaN" would never reach the worker's validation); sliders and
 * arrow keys go through lil-gui and are sent when released.
 */
import GUI, { type Controller, type NumberController } from 'lil-gui';
import type { SimulationConfig } from '../physics/config';
import { PARAMETERS, type ParameterSpec, type ParameterValue } from './parameters';
import type { PhaseSpaceMode } from './phaseSpaceView';

export interface PresetEntry {
  readonly id: string;
  readonly title: string;
  readonly explanation: string;
}

/**
 * Where an accepted config came from: a preset, an edit of a control, a share URL, or a loaded
 * checkpoint (a file or the autosave: the run's own resolved config).
 */
export type ConfigOrigin = { readonly preset: string } | 'edit' | 'url' | 'checkpoint';

/** 'stopped': advance() failed (the step guard gave up, or the worker could not go on). */
export type RunState = 'starting' | 'playing' | 'paused' | 'done' | 'sweeping' | 'stopped';

export interface ControlHooks {
  readonly presets: readonly PresetEntry[];
  /** Sends a candidate config; resolves to null when the worker accepted it, else the refusal text. */
  readonly apply: (candidate: SimulationConfig) => Promise<string | null>;
  /** Sends a preset's config; resolves like `apply`. */
  readonly applyPreset: (id: string) => Promise<string | null>;
  readonly playPause: () => void;
  readonly step: () => void;
  readonly reset: () => void;
  readonly setSpeed: (steps: number) => void;
  readonly setVelocityCell: (cell: number) => void;
  readonly setPhaseSpaceMode: (mode: PhaseSpaceMode) => void;
  readonly setLevel: (level: number) => void;
}

const CUSTOM = 'custom';
const RESTARTS = 'changing it restarts the run from t = 0';
const LIVE = 'applies live (a view setting; the run goes on)';

function formatNumber(value: ParameterValue): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? String(Number(value.toPrecision(6)))
    : String(value);
}

/** The element a screen reader and a test find the control by. */
function inputOf(c: Controller): HTMLElement | null {
  const widgets = c as unknown as { $select?: HTMLSelectElement; $input?: HTMLInputElement };
  return widgets.$select ?? widgets.$input ?? null;
}

export class ControlPanel {
  readonly gui: GUI;
  private readonly values: Record<string, ParameterValue> = {};
  private readonly controllers = new Map<string, Controller>();
  private readonly error: HTMLElement;
  private readonly explanation: HTMLElement;
  private readonly presetState: { preset: string };
  private readonly presetController: Controller;
  private readonly playButton: Controller;
  private readonly cellController: NumberController;
  private readonly run = { speed: 1, velocityCell: 0, phaseSpace: 'f' as PhaseSpaceMode, level: 0.1 };
  private committed: SimulationConfig | null = null;
  private presetId: string | null = null;
  /** Edits are applied one after another, each against the config accepted before it. */
  private chain: Promise<void> = Promise.resolve();
  private readonly cpuNote: HTMLElement;
  private readonly gridFolder: GUI;
  /** The measured error of the collision accuracy setting, under its dropdown. */
  private readonly quadratureNote: HTMLElement;
  /** The exchange rates against the exact ones (collision/gridAccuracy.ts), under N_v. */
  private readonly gridAccuracyNote: HTMLElement;
  /** λ = Δt ν̄/ε of the run and what it means for the remainder (physics/collision/stiffness.ts), under ε. */
  private readonly collisionStepNote: HTMLElement;

  constructor(
    container: HTMLElement,
    private readonly hooks: ControlHooks,
  ) {
    this.gui = new GUI({ container, title: 'Controls', width: 330 });
    this.error = document.createElement('div');
    this.error.className = 'control-error';
    this.error.id = 'control-error';
    this.error.dataset.testid = 'control-error';
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;

    // Presets
    const presetOptions = {
      ...Object.fromEntries(hooks.presets.map((p) => [p.title, p.id])),
      '(custom set-up)': CUSTOM,
    };
    this.presetState = { preset: hooks.presets[0]?.id ?? '' };
    this.presetController = this.gui.add(this.presetState, 'preset', presetOptions).name('preset');
    this.label(this.presetController, 'preset', `a set-up from the paper's list; ${RESTARTS}`);
    this.presetController.onChange((id: string) => {
      if (id === CUSTOM) {
        this.presetState.preset = this.presetId ?? CUSTOM;
        this.presetController.updateDisplay();
        return;
      }
      this.enqueue(async () => {
        const previous = this.presetId;
        const refusal = await hooks.applyPreset(id);
        if (refusal !== null) {
          this.presetState.preset = previous ?? CUSTOM;
          this.presetController.updateDisplay();
          this.showError(this.presetController, refusal);
        } else {
          this.clearError();
        }
      });
    });
    this.explanation = document.createElement('p');
    this.explanation.className = 'preset-explanation';
    this.explanation.dataset.testid = 'preset-explanation';
    this.presetController.domElement.after(this.explanation);

    // Run controls
    const runFolder = this.gui.addFolder('Run');
    const actions = {
      play: () => hooks.playPause(),
      step: () => hooks.step(),
      reset: () => hooks.reset(),
    };
    this.playButton = runFolder.add(actions, 'play').name('Play');
    this.playButton.domElement.title = 'start or pause the run';
    runFolder.add(actions, 'step').name('Step').domElement.title = 'advance one step (while paused)';
    runFolder.add(actions, 'reset').name('Reset').domElement.title = 'back to t = 0 with the same parameters';
    const speed = runFolder.add(this.run, 'speed', 1, 50, 1).name('speed (steps per request)');
    this.label(speed, 'speed (steps per request)', `time steps the worker takes per request; ${LIVE}`);
    speed.onChange((v: number) => hooks.setSpeed(v));
    this.cellController = runFolder
      .add(this.run, 'velocityCell', 0, 1, 1)
      .name('velocity view cell i') as NumberController;
    this.label(
      this.cellController,
      'velocity view cell i',
      `x-cell whose F(x_i, v) the velocity view shows; ${LIVE}`,
    );
    this.cellController.onChange((v: number) => hooks.setVelocityCell(Math.round(v)));
    const mode = runFolder
      .add(this.run, 'phaseSpace', { 'f (heights f/max)': 'f', 'δf = f − ⟨f⟩ₓ': 'deviation' })
      .name('phase-space shows');
    this.label(mode, 'phase-space shows', LIVE);
    mode.onChange((v: PhaseSpaceMode) => hooks.setPhaseSpaceMode(v));
    const level = runFolder.add(this.run, 'level', 0.01, 0.9, 0.01).name('velocity level (of max)');
    this.label(level, 'velocity level (of max)', `points with F ≥ level·max F are drawn; ${LIVE}`);
    level.onChange((v: number) => hooks.setLevel(v));

    // Physical parameters
    const folders = new Map<string, GUI>();
    for (const spec of PARAMETERS) {
      let folder = folders.get(spec.folder);
      if (!folder) {
        folder = this.gui.addFolder(spec.folder);
        folders.set(spec.folder, folder);
        if (spec.folder === 'Grid' || spec.folder === 'Remainder') folder.close();
      }
      this.addParameter(folder, spec);
    }
    this.cpuNote = document.createElement('p');
    this.cpuNote.className = 'cpu-note';
    this.cpuNote.dataset.testid = 'cpu-grid-note';
    this.cpuNote.hidden = true;
    this.gridFolder = folders.get('Grid')!;
    this.gridFolder.$children.prepend(this.cpuNote);
    this.quadratureNote = document.createElement('p');
    this.quadratureNote.className = 'quadrature-note';
    this.quadratureNote.dataset.testid = 'quadrature-error';
    this.quadratureNote.setAttribute('aria-live', 'polite');
    this.controllers.get('accuracy')?.domElement.after(this.quadratureNote);
    this.gridAccuracyNote = document.createElement('p');
    this.gridAccuracyNote.className = 'quadrature-note';
    this.gridAccuracyNote.dataset.testid = 'grid-accuracy';
    this.gridAccuracyNote.setAttribute('aria-live', 'polite');
    this.controllers.get('nv')?.domElement.after(this.gridAccuracyNote);
    this.collisionStepNote = document.createElement('p');
    this.collisionStepNote.className = 'quadrature-note';
    this.collisionStepNote.dataset.testid = 'collision-step';
    this.collisionStepNote.setAttribute('aria-live', 'polite');
    this.controllers.get('knudsen')?.domElement.after(this.collisionStepNote);
  }

  /** The collision step's stiffness note (null: collisions off). */
  showCollisionStep(text: string | null): void {
    this.collisionStepNote.textContent = text ?? '';
    this.collisionStepNote.hidden = text === null;
  }

  /** The worker's measurement of the accuracy setting (null: collisions off, nothing to measure). */
  showQuadratureError(text: string | null): void {
    this.quadratureNote.textContent = text ?? 'collisions off: the accuracy setting has no effect';
  }

  /** The grid's exchange-rate error against exact theory (null: collisions off, or N_v > 32: not measured). */
  showGridAccuracy(text: string | null, withinTolerance = true): void {
    this.gridAccuracyNote.textContent =
      text ?? 'exchange-rate error: not measured (collisions off, or N_v above 32: a minute of float64 work)';
    this.gridAccuracyNote.classList.toggle('warning', !withinTolerance);
  }

  /** The CPU fallback forces a small grid: say so in the Grid folder. */
  showCpuNote(text: string): void {
    this.cpuNote.textContent = text;
    this.cpuNote.hidden = false;
    this.gridFolder.open();
  }

  /** Shows the accepted config (and where it came from) in every control. */
  showConfig(config: SimulationConfig, origin: ConfigOrigin): void {
    this.committed = config;
    if (origin === 'url' || origin === 'checkpoint') this.presetId = null;
    else if (origin !== 'edit') this.presetId = origin.preset;
    this.presetState.preset = this.presetId ?? CUSTOM;
    this.presetController.updateDisplay();
    const preset = this.hooks.presets.find((p) => p.id === this.presetId);
    this.explanation.textContent = preset
      ? `${preset.explanation}${origin === 'edit' ? ' (parameters changed since)' : ''}`
      : origin === 'checkpoint'
        ? 'A saved run (file or autosave), continued from where it was saved; an edit restarts it from t = 0.'
        : 'Custom set-up (from a share URL, then perhaps edited).';
    for (const spec of PARAMETERS) {
      this.values[spec.key] = spec.get(config);
      this.controllers.get(spec.key)?.updateDisplay();
    }
    // the page keeps the velocity cell inside the grid (setVelocityCell); only the range changes here
    this.cellController.max(Math.max(1, config.grid.nx - 1));
    this.cellController.updateDisplay();
  }

  /** The velocity view's cell (the page picks the middle cell of a new grid). */
  setVelocityCell(cell: number): void {
    this.run.velocityCell = cell;
    this.cellController.updateDisplay();
  }

  setRunState(state: RunState): void {
    this.playButton.name(state === 'playing' ? 'Pause' : 'Play');
    this.playButton.enable(
      state !== 'done' && state !== 'sweeping' && state !== 'starting' && state !== 'stopped',
    );
  }

  /** Waits until every edit sent so far has been answered (tests, the share URL). */
  settled(): Promise<void> {
    return this.chain;
  }

  private addParameter(folder: GUI, spec: ParameterSpec): void {
    this.values[spec.key] = spec.options
      ? Object.values(spec.options)[0]!
      : spec.slider
        ? spec.slider[0]
        : false;
    let controller: Controller;
    if (spec.options) {
      controller = folder.add(this.values, spec.key, spec.options);
    } else if (spec.slider && spec.logarithmic) {
      const logKey = `${spec.key}Log10`;
      Object.defineProperty(this.values, logKey, {
        get: () => Math.log10(Number(this.values[spec.key])),
        set: (v: number) => {
          this.values[spec.key] = Number((10 ** v).toPrecision(4));
        },
        enumerable: false,
      });
      controller = folder.add(this.values, logKey, spec.slider[0], spec.slider[1], spec.slider[2]);
      const number = controller as NumberController;
      const base = number.updateDisplay.bind(number);
      number.updateDisplay = () => {
        base();
        if (document.activeElement !== number.$input)
          number.$input.value = formatNumber(this.values[spec.key]!);
        return number;
      };
    } else if (spec.slider) {
      controller = folder.add(this.values, spec.key, spec.slider[0], spec.slider[1], spec.slider[2]);
    } else {
      controller = folder.add(this.values, spec.key);
    }
    controller.name(spec.label);
    this.label(controller, spec.label, `${spec.help}; ${RESTARTS}`);
    this.controllers.set(spec.key, controller);
    // lil-gui's own path: sliders, arrow keys, checkboxes and selects
    controller.onFinishChange(() => this.commit(spec, controller, this.values[spec.key]!));
    if (spec.slider) this.readTypedText(spec, controller as NumberController);
  }

  /** Typed text goes to the worker as typed (see the file comment). */
  private readTypedText(spec: ParameterSpec, controller: NumberController): void {
    const input = controller.$input;
    const root = controller.domElement;
    root.addEventListener(
      'input',
      (e) => {
        if (e.target === input) e.stopPropagation();
      },
      true,
    );
    root.addEventListener(
      'change',
      (e) => {
        if (e.target !== input) return;
        e.stopPropagation();
        const text = input.value.trim();
        const value = text === '' ? Number.NaN : Number(text);
        this.values[spec.key] = value;
        this.commit(spec, controller, value);
      },
      true,
    );
  }

  private commit(spec: ParameterSpec, controller: Controller, value: ParameterValue): void {
    this.enqueue(async () => {
      const base = this.committed;
      if (!base) return;
      if (Object.is(spec.get(base), value)) {
        controller.updateDisplay();
        return;
      }
      this.clearError(); // a new attempt: the old message no longer applies
      const refusal = await this.hooks.apply(spec.set(base, value));
      if (refusal !== null) {
        // the run goes on with the accepted config; the control shows it again
        this.values[spec.key] = spec.get(this.committed ?? base);
        controller.updateDisplay();
        this.showError(controller, refusal);
      } else {
        this.clearError();
      }
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch((e: unknown) => {
      console.error(e);
    });
  }

  private showError(controller: Controller, message: string): void {
    this.error.textContent = message;
    this.error.hidden = false;
    controller.domElement.after(this.error);
    inputOf(controller)?.setAttribute('aria-invalid', 'true');
    inputOf(controller)?.setAttribute('aria-describedby', 'control-error');
  }

  private clearError(): void {
    this.error.hidden = true;
    this.error.textContent = '';
    for (const c of this.controllers.values()) {
      inputOf(c)?.removeAttribute('aria-invalid');
      inputOf(c)?.removeAttribute('aria-describedby');
    }
  }

  /** Accessible name and tooltip of a control. */
  private label(controller: Controller, name: string, title: string): void {
    controller.domElement.title = title;
    const input = inputOf(controller);
    if (input) {
      input.setAttribute('aria-label', name);
      input.title = title;
    }
  }
}
