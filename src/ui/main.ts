/** Entry point of the page (index.html): styles, then the app (app.ts). */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { startApp } from './app';

const showFailure = (reason: string, advice: string) => {
  const banner = document.querySelector<HTMLElement>('[data-testid="webgpu-unavailable"]')!;
  banner.hidden = false;
  banner.querySelector('h2')!.textContent = 'The app failed to start';
  banner.querySelector('[data-testid="webgpu-reason"]')!.textContent = reason;
  banner.querySelector('[data-testid="webgpu-advice"]')!.textContent = advice;
};

startApp().catch((e: unknown) => {
  document.body.dataset.state = 'error';
  showFailure('The app failed to start', String(e instanceof Error ? e.message : e));
  console.error(e);
});
