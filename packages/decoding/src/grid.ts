// Default grids and the CLI's grid syntax (expansion itself is @neurodecode/cv's expandParamGrid).
import { getEstimatorEntry, type Estimator } from '@neurodecode/estimators';
import type { ParamGrid } from '@neurodecode/cv';

/** nilearn's default grids: C in (1, 10, 100) for linear classifiers, alpha for ridge models. */
export function defaultParamGrid(name: string | undefined, est: Estimator): ParamGrid {
  // A registered plugin may declare its own (EstimatorEntry.defaultGrid).
  const declared = name !== undefined ? getEstimatorEntry(name)?.defaultGrid : undefined;
  if (declared) return Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, [...v]]));
  const params = est.getParams();
  if ('C' in params) return { C: [1, 10, 100] };
  if (name?.startsWith('ridge') || 'alpha' in params) return { alpha: [0.1, 1, 10, 100, 1000] };
  return {};
}

/** Parse a CLI grid such as "C=1,10,100" or "C=1,10;alpha=0.1,1" (numbers where they parse). */
export function parseGridSpec(spec: string): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const part of spec.split(/[;\s]+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`--grid: "${part}" should look like NAME=v1,v2`);
    const name = part.slice(0, eq);
    const values = part
      .slice(eq + 1)
      .split(',')
      .filter((v) => v !== '');
    if (!values.length) throw new Error(`--grid: "${name}" has no values`);
    grid[name] = values.map((v) => (v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v));
  }
  return grid;
}
