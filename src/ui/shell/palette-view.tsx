import { Text } from 'ink';
import { lineInputView } from '../components/line-input.tsx';
import { displayWidth, truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import { paletteMatches, type PaletteState } from './palette-state.ts';

/** The command line at the bottom: what is typed, with a cursor. */
export function PaletteLine({ state, width }: { state: PaletteState; width: number }) {
  const view = lineInputView(state.input, Math.max(4, width - 3 - (state.error ? displayWidth(state.error) + 1 : 0)));
  return (
    <Text wrap="truncate-end">
      <Text bold color={tone('accent')}>
        :
      </Text>
      {view.before}
      <Text inverse>{view.at}</Text>
      {view.after}
      {state.error && <Text color={tone('error')}> {truncate(state.error, Math.max(0, width - displayWidth(state.text) - 4))}</Text>}
    </Text>
  );
}

/** Completions under it (in place of the key hints): the selected one marked. */
export function PaletteMatches({ state, width }: { state: PaletteState; width: number }) {
  const matches = paletteMatches(state.text);
  if (matches.length === 0) return <Text dimColor>no such command — :sites :users :migrate :quit</Text>;
  let used = 0;
  const shown = [];
  for (const [i, c] of matches.entries()) {
    const label = `${c.name} ${c.description}`;
    if (used + label.length + 4 > width) break;
    used += label.length + 4;
    shown.push(
      <Text key={c.name}>
        <Text inverse={i === state.selected} bold color={tone('key')}>
          {i === state.selected ? '›' : ' '}
          {c.name}
        </Text>
        <Text dimColor> {c.description}</Text>
        {'  '}
      </Text>,
    );
  }
  return <Text wrap="truncate-end">{shown}</Text>;
}
