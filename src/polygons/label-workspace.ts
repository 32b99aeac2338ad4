/**
 * @module polygons/label-workspace — reusable working memory of the labelling functions, for callers that label one
 * raster after another (the streaming instance scanner of predict/): allocating and zeroing several width·height
 * Int32Arrays per raster costs more than labelling a mostly empty one.
 */

/** The buffers a labelling call uses: the labels it returns, the runs it labels by, the two growth frontiers. */
export type WorkspaceBuffer = 'labels' | 'runStart' | 'runEnd' | 'runParent' | 'frontier' | 'next';

/**
 * Int32 buffers kept between labelling calls. Pass one as the `workspace` option of `labelComponents` or
 * `instancesFromMulticlass`: the label image they return then lives in the workspace and is overwritten by the next
 * call given the same workspace. Buffers grow to the largest raster seen and are never shrunk.
 * @example
 * const workspace = new LabelWorkspace();
 * for (const mask of masks) count(labelComponents(mask, size, { workspace }));
 */
export class LabelWorkspace {
  readonly #buffers = new Map<WorkspaceBuffer, Int32Array>();

  /**
   * A view of `length` elements of one buffer, holding whatever its last user left there.
   * @param name - which buffer
   * @param length - elements needed (a non-negative integer)
   * @returns the view
   */
  buffer(name: WorkspaceBuffer, length: number): Int32Array {
    let held = this.#buffers.get(name);
    if (held === undefined || held.length < length) {
      held = new Int32Array(length);
      this.#buffers.set(name, held);
    }
    return held.subarray(0, length);
  }
}
