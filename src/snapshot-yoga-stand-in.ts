/**
 * A stand-in for Yoga's layout while the startup snapshot is built (snapshot-warm-up.tsx): node has no
 * WebAssembly then, and the warm-up only needs Ink's and React's code to run, not a right layout. Every node
 * takes its parent's width and stacks its children; a text node asks Ink's measure function for its size.
 * Ink gets it through the same Yoga object it holds (scripts/snapshot-build.ts), and forget() removes it.
 */
type Measure = (width: number, widthMode: number, height: number, heightMode: number) => { width: number; height: number };

class StandInNode {
  children: StandInNode[] = [];
  measure: Measure | undefined;
  width = 0;
  height = 0;
  left = 0;
  top = 0;
  fixedWidth: number | undefined;
  insertChild(child: StandInNode, index: number): void {
    this.children.splice(index, 0, child);
  }
  removeChild(child: StandInNode): void {
    this.children = this.children.filter((c) => c !== child);
  }
  getChildCount(): number {
    return this.children.length;
  }
  setMeasureFunc(measure: Measure): void {
    this.measure = measure;
  }
  unsetMeasureFunc(): void {
    this.measure = undefined;
  }
  setWidth(width: unknown): void {
    this.fixedWidth = typeof width === 'number' ? width : undefined;
  }
  calculateLayout(width: number | undefined): void {
    this.layout(width ?? 100, 0, 0);
  }
  layout(width: number, left: number, top: number): void {
    this.width = Math.max(0, Math.floor(this.fixedWidth ?? width));
    this.left = left;
    this.top = top;
    if (this.measure) {
      this.height = this.measure(this.width, 2, 0, 0).height;
      return;
    }
    let y = 0;
    for (const child of this.children) {
      child.layout(this.width, 0, y);
      y += child.height;
    }
    this.height = y;
  }
  getComputedWidth(): number {
    return this.width;
  }
  getComputedHeight(): number {
    return this.height;
  }
  getComputedLeft(): number {
    return this.left;
  }
  getComputedTop(): number {
    return this.top;
  }
  getComputedPadding(): number {
    return 0;
  }
  getComputedBorder(): number {
    return 0;
  }
  getComputedMargin(): number {
    return 0;
  }
  getDisplay(): number {
    return 0;
  }
  free(): void {}
  freeRecursive(): void {}
  markDirty(): void {}
}

// Every setter Ink's styles call (setFlexDirection, setPadding, setGap…) does nothing here.
const handler: ProxyHandler<StandInNode> = {
  get: (target, key) => (key in target ? (target as unknown as Record<string | symbol, unknown>)[key] : typeof key === 'string' && key.startsWith('set') ? () => {} : undefined),
};

/** What Yoga's wrapper adds to the enums: Node (and Config), as far as Ink uses them. */
export const yogaStandIn = {
  Node: { create: () => new Proxy(new StandInNode(), handler) },
  Config: { create: () => ({ setUseWebDefaults: () => {}, free: () => {} }) },
};
