/**
 * Text and frames inside the Three.js views: axis titles drawn into a canvas texture on a sprite
 * (so they face the camera and appear in the PNG export), and the wire box of an axis frame.
 * Built once per view; `setText` redraws a label's texture in place when its text changes.
 */
import * as THREE from 'three';

const FONT_PX = 48; // with the 8 px margins, a 64 px high canvas: a power of two, so mipmaps work

export class TextLabel {
  readonly sprite: THREE.Sprite;
  private readonly canvas = new OffscreenCanvas(1, 1); // works in the render worker
  private readonly texture: THREE.CanvasTexture<OffscreenCanvas>;
  private text: string | null = null;

  constructor(
    text: string,
    private readonly height = 0.12,
    private readonly color = '#1d232b',
  ) {
    this.texture = new THREE.CanvasTexture(this.canvas);
    this.texture.colorSpace = THREE.SRGBColorSpace;
    this.texture.minFilter = THREE.LinearMipmapLinearFilter; // the text is drawn much smaller than its canvas
    this.texture.anisotropy = 4;
    const material = new THREE.SpriteMaterial({ map: this.texture, transparent: true, depthTest: false });
    this.sprite = new THREE.Sprite(material);
    this.sprite.renderOrder = 10;
    this.setText(text);
  }

  setText(text: string): void {
    if (text === this.text) return;
    this.text = text;
    // a CPU-backed canvas (it is read back for every texture upload anyway)
    const ctx = this.canvas.getContext('2d', {
      willReadFrequently: true,
    }) as OffscreenCanvasRenderingContext2D;
    const font = `${FONT_PX}px system-ui, sans-serif`;
    ctx.font = font;
    const width = Math.ceil(ctx.measureText(text).width) + 16;
    const height = FONT_PX + 16;
    if (width > this.canvas.width || this.canvas.height !== height || this.canvas.width < 512) {
      // a texture cannot grow in place: let Three.js allocate a new one at the next upload
      this.canvas.width = Math.max(512, 2 ** Math.ceil(Math.log2(width)));
      this.canvas.height = height;
      this.texture.dispose();
    }
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.font = font; // resizing the canvas resets the context state
    ctx.fillStyle = this.color;
    ctx.textBaseline = 'middle';
    ctx.fillText(text, 8, height / 2);
    // the sprite shows only the part of the canvas the text covers
    this.texture.repeat.set(width / this.canvas.width, 1);
    this.texture.needsUpdate = true;
    this.sprite.scale.set((this.height * width) / height, this.height, 1);
  }

  at(x: number, y: number, z: number): this {
    this.sprite.position.set(x, y, z);
    return this;
  }
}

/** The 12 edges of the box [min, max] as line segments. */
export function wireBox(min: THREE.Vector3, max: THREE.Vector3, color = 0x8a929c): THREE.LineSegments {
  const geometry = new THREE.EdgesGeometry(
    new THREE.BoxGeometry(max.x - min.x, max.y - min.y, max.z - min.z),
  );
  const lines = new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color }));
  lines.position.set((min.x + max.x) / 2, (min.y + max.y) / 2, (min.z + max.z) / 2);
  return lines;
}

/** Three axis lines from `origin` along +x, +y, +z with the given lengths. */
export function axisLines(
  origin: THREE.Vector3,
  lengths: THREE.Vector3,
  color = 0x30363d,
): THREE.LineSegments {
  const o = origin;
  const points = [
    o,
    new THREE.Vector3(o.x + lengths.x, o.y, o.z),
    o,
    new THREE.Vector3(o.x, o.y + lengths.y, o.z),
    o,
    new THREE.Vector3(o.x, o.y, o.z + lengths.z),
  ];
  return new THREE.LineSegments(
    new THREE.BufferGeometry().setFromPoints(points),
    new THREE.LineBasicMaterial({ color }),
  );
}
