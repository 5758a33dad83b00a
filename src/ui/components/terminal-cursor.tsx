import { useContext, useEffect, useRef, useState, type RefObject } from 'react';
import { useCursor, type DOMElement } from 'ink';
import { CursorGateContext, useScreenActive } from '../shell/shell-context.tsx';

type Point = { x: number; y: number };

/** Where `node` sits in Ink's output, from the last layout pass (undefined before it was laid out). */
function originOf(node: DOMElement | null): Point | undefined {
  if (!node?.yogaNode) return undefined;
  let x = 0;
  let y = 0;
  for (let n: DOMElement | undefined = node; n; n = n.parentNode) {
    if (!n.yogaNode) continue;
    x += n.yogaNode.getComputedLeft();
    y += n.yogaNode.getComputedTop();
  }
  return { x, y };
}

/**
 * Puts the terminal's own cursor on the cell a focused input draws its cursor on (`column`, `row` inside
 * the box `anchor`), so an input method composes its text where the typing happens and a screen reader
 * or the terminal's own cursor follows it. Render it only in the focused input: there is one cursor.
 * The box's place comes from the previous layout; when the layout moved it, one more render follows.
 */
export function TerminalCursor(props: { anchor: RefObject<DOMElement | null>; column: number; row: number }) {
  const gate = useContext(CursorGateContext);
  const active = useScreenActive();
  // Only the screen on top places the cursor, and not under the help or the palette: there is one cursor.
  return gate.allowed && active ? <PlacedCursor {...props} frame={gate.frame} /> : null;
}

function PlacedCursor({ anchor, column, row }: { anchor: RefObject<DOMElement | null>; column: number; row: number; frame: number }) {
  const { setCursorPosition } = useCursor();
  const [, relayout] = useState(0);
  const origin = originOf(anchor.current);
  const used = useRef(origin);
  used.current = origin;
  setCursorPosition(origin ? { x: origin.x + column, y: origin.y + row } : undefined);
  useEffect(() => {
    const now = originOf(anchor.current);
    if (now && (!used.current || now.x !== used.current.x || now.y !== used.current.y)) relayout((n) => n + 1);
  });
  return null;
}
