/**
 * Counts which components render, the way React DevTools sees it: a global DevTools hook that Ink hands its
 * renderer to (Ink does so with DEV=true), walked after every commit. A fiber that rendered in a commit is
 * one that was not in the tree committed before (React works on the alternate) and carries React's
 * PerformedWork flag (a component that bailed out, such as a memo with equal props, does not).
 *
 * Call installRenderCounter() before Ink is imported (vi.hoisted), then reset() and read counts().
 */
interface Fiber {
  tag: number;
  flags: number;
  type: unknown;
  elementType: unknown;
  child: Fiber | null;
  sibling: Fiber | null;
}

const PERFORMED_WORK = 1;

function nameOf(fiber: Fiber): string | null {
  const named = (t: unknown): string | null => {
    if (typeof t === 'function') return (t as { displayName?: string; name?: string }).displayName ?? (t as { name?: string }).name ?? null;
    if (t && typeof t === 'object') {
      const o = t as { displayName?: string; type?: unknown; render?: unknown };
      return o.displayName ?? named(o.type) ?? named(o.render);
    }
    return null;
  };
  return named(fiber.elementType) ?? named(fiber.type);
}

export interface RenderCounter {
  reset(): void;
  /** Renders per component name since reset(), in the commits `which` keeps (all by default). */
  counts(which?: (rendered: ReadonlySet<string>) => boolean): Record<string, number>;
  /** What each commit since reset() rendered, by name. */
  commits(): ReadonlyArray<ReadonlyMap<string, number>>;
}

export function installRenderCounter(): RenderCounter {
  process.env.DEV = 'true';
  let commits: Map<string, number>[] = [];
  let previous = new Set<Fiber>();
  const hook = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => {},
    onScheduleFiberRoot: () => {},
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    onCommitFiberRoot(_id: number, root: { current: Fiber }) {
      const counts = new Map<string, number>();
      commits.push(counts);
      const seen = new Set<Fiber>();
      const stack: Fiber[] = [root.current];
      while (stack.length > 0) {
        const fiber = stack.pop()!;
        seen.add(fiber);
        if (!previous.has(fiber) && (fiber.flags & PERFORMED_WORK) !== 0 && typeof fiber.type !== 'string') {
          const name = nameOf(fiber);
          if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
        }
        if (fiber.sibling) stack.push(fiber.sibling);
        if (fiber.child) stack.push(fiber.child);
      }
      previous = seen;
    },
  };
  (globalThis as { __REACT_DEVTOOLS_GLOBAL_HOOK__?: unknown }).__REACT_DEVTOOLS_GLOBAL_HOOK__ = hook;
  return {
    reset() {
      commits = [];
    },
    counts(which = () => true) {
      const total: Record<string, number> = {};
      for (const commit of commits) {
        if (!which(new Set(commit.keys()))) continue;
        for (const [name, n] of commit) total[name] = (total[name] ?? 0) + n;
      }
      return total;
    },
    commits: () => commits,
  };
}
