import { Box, Text } from 'ink';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { ScrollView, type ViewLine } from '../../components/scroll-view.tsx';
import { truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';

/**
 * The outcome of a save that did not happen because of someone else (a conflict, a deletion): what happened
 * in one line, the details to scroll through, and the choices. Nothing is decided for the person.
 */
export function SaveOutcomeView({
  title,
  lines,
  offset,
  width,
  height,
  choices,
  error,
  busy,
}: {
  title: string;
  lines: ViewLine[];
  offset: number;
  width: number;
  height: number;
  choices: string;
  error: string | null;
  busy: string | null;
}) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={tone('warn')} wrap="truncate-end">
        {truncate(sanitizeLine(title), width)}
      </Text>
      <ScrollView lines={lines} offset={offset} width={width} height={Math.max(1, height - 2)} />
      {error ? (
        <Text color={tone('error')} wrap="truncate-end">
          {truncate(sanitizeLine(error), width)}
        </Text>
      ) : (
        <Text bold wrap="truncate-end">
          {truncate(busy ?? choices, width)}
        </Text>
      )}
    </Box>
  );
}
