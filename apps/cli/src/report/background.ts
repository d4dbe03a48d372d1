// The background and brain outline figures use when the user names none: the MNI152 template from
// the data cache (`neurodecode fetch mni152`). Never downloads here: without a cached copy the
// figure is drawn without a background and the notice says how to get one.
import { existsSync } from 'node:fs';
import { fetchMni152 } from '@neurodecode/datasets';
import { readNifti, type NiftiImage } from '@neurodecode/nifti-io';

export const NO_TEMPLATE_NOTICE = 'bg: no MNI152 template in the data cache (run `neurodecode fetch mni152`); drawn without a background';

export interface Backgrounds {
  bg: NiftiImage | null;
  /** Non-zero voxels = brain: the outline for glass brains. */
  brainMask: NiftiImage | null;
  notices: string[];
}

/** `--bg` as given: a path, 'none', or absent (the cached MNI152 template when there is one). */
export async function resolveBackground(bgArg: string | undefined): Promise<Backgrounds> {
  if (bgArg === 'none') return { bg: null, brainMask: null, notices: [] };
  if (bgArg !== undefined) {
    if (!existsSync(bgArg)) throw new Error(`--bg: file not found: ${bgArg} (give a NIfTI file or "none")`);
    const bg = await readNifti(bgArg);
    return { bg, brainMask: bg, notices: [] };
  }
  try {
    const mni = await fetchMni152({ offline: true });
    const bg = await readNifti(mni.template);
    const brainMask = existsSync(mni.mask) ? await readNifti(mni.mask) : bg;
    return { bg, brainMask, notices: [] };
  } catch {
    return { bg: null, brainMask: null, notices: [NO_TEMPLATE_NOTICE] };
  }
}
