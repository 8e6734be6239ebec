/** Box helpers of edge/vision/geometry.ts that crop frames for the models. */
import { describe, expect, it } from 'vitest';
import { clampBox, pixelRegion } from '../../edge/vision/geometry.ts';

describe('clampBox', () => {
  it('cuts a box to the frame and keeps fractions', () => {
    expect(clampBox([-10, 5.5, 50, 20], 32, 24)).toEqual([0, 5.5, 32, 18.5]);
    expect(clampBox([1.25, 2, 3, 4], 32, 24)).toEqual([1.25, 2, 3, 4]);
  });

  it('turns a box wholly outside into an empty one on the edge', () => {
    expect(clampBox([40, 30, 5, 5], 32, 24)).toEqual([32, 24, 0, 0]);
  });
});

describe('pixelRegion', () => {
  it('rounds outward to whole pixels inside the image', () => {
    expect(pixelRegion([1.5, 2.2, 3.1, 4.9], 32, 24)).toEqual([1, 2, 4, 6]);
    expect(pixelRegion([-8, -8, 100, 100], 32, 24)).toEqual([0, 0, 32, 24]);
  });

  it('never returns an empty crop, even for a box outside or of no size', () => {
    expect(pixelRegion([40, 30, 5, 5], 32, 24)).toEqual([31, 23, 1, 1]);
    expect(pixelRegion([10, 10, 0, 0], 32, 24)).toEqual([10, 10, 1, 1]);
  });
});
