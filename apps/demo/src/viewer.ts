// Orthogonal slice view drawn by niivue (WebGL2): the mean image, and over it the searchlight map
// with a threshold. niivue parses the bytes itself; the page has already checked them with
// nifti-io, so a file niivue rejects still shows its header facts.
import { Niivue, NVImage } from '@niivue/niivue';

export interface SliceViewer {
  /** Replace the shown image (and any overlay) with these NIfTI bytes (.nii or .nii.gz, detected by magic). */
  show(bytes: Uint8Array): Promise<void>;
  /** Show volume `index` of a 4-D image. */
  setVolume(index: number): void;
  /** Draw a map over the image: values below `threshold` are transparent. */
  setOverlay(bytes: Uint8Array, threshold: number, max: number): Promise<void>;
  setThreshold(threshold: number): void;
  /** The canvas as a PNG data URL (for the report). */
  snapshot(): string;
}

const GZIP_MAGIC = [0x1f, 0x8b];

export async function createSliceViewer(canvas: HTMLCanvasElement, onLocation: (text: string) => void): Promise<SliceViewer> {
  // Probe on a scratch canvas: the first getContext call fixes the context's attributes.
  if (!document.createElement('canvas').getContext('webgl2')) {
    throw new Error('this browser has no WebGL2, which the slice view needs (the header facts still work)');
  }
  const nv = new Niivue({
    backColor: [0.08, 0.08, 0.1, 1],
    crosshairColor: [1, 0.3, 0.2, 1],
    // niivue's default crosshair is one voxel wide, a thick bar on coarse fMRI grids; a
    // fraction of the field of view stays thin at every resolution.
    crosshairWidthUnit: 'percent',
    crosshairWidth: 0.35,
    // Show voxels as voxels: smoothing hides the grid that decoding works on.
    isNearestInterpolation: true,
    isResizeCanvas: true,
    logLevel: 'error',
  } as ConstructorParameters<typeof Niivue>[0]);
  await nv.attachToCanvas(canvas);
  nv.setSliceType(nv.sliceTypeMultiplanar);
  nv.onLocationChange = (data: unknown) => {
    const text = (data as { string?: string }).string;
    if (text) onLocation(text);
  };
  return {
    async show(bytes) {
      while (nv.volumes.length > 0) nv.removeVolume(nv.volumes[0]!);
      // niivue picks its reader from the name, so name the bytes by what they are, not by
      // whatever the user's file was called.
      const gz = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
      const copy = bytes.slice().buffer; // niivue may keep or detach the buffer it is given
      await nv.loadFromArrayBuffer(copy, gz ? 'image.nii.gz' : 'image.nii');
      // A single-slice image (like the Haxby slice) is all in the axial view.
      const dims = nv.volumes[0]?.hdr?.dims ?? [];
      nv.setSliceType(dims[3] === 1 ? nv.sliceTypeAxial : nv.sliceTypeMultiplanar);
      nv.drawScene();
    },
    setVolume(index) {
      const vol = nv.volumes[0];
      if (vol) nv.setFrame4D(vol.id, index);
    },
    async setOverlay(bytes, threshold, max) {
      while (nv.volumes.length > 1) nv.removeVolume(nv.volumes[1]!);
      const gz = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
      const overlay = await NVImage.loadFromUrl({
        url: bytes.slice().buffer,
        name: gz ? 'overlay.nii.gz' : 'overlay.nii',
        colormap: 'warm',
        opacity: 0.85,
        cal_min: threshold,
        cal_max: max,
      });
      nv.addVolume(overlay);
      nv.drawScene();
    },
    setThreshold(threshold) {
      const overlay = nv.volumes[1];
      if (!overlay) return;
      overlay.cal_min = threshold;
      nv.updateGLVolume();
    },
    snapshot() {
      nv.drawScene(); // the WebGL buffer is only readable in the same task as a draw
      return canvas.toDataURL('image/png');
    },
  };
}
