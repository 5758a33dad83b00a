import { Text } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { useDraftState } from '../drafts-context.tsx';
import { tone } from '../theme.ts';

/**
 * The header's word on an edit's draft, and only what is true: "draft kept" once it is on disk, "saving
 * draft…" before the first write, "draft NOT saved: <why>" while writes fail (the store keeps retrying).
 */
export function DraftStateText({ id }: { id: string }) {
  const state = useDraftState(id);
  if (state.startsWith('failed:')) {
    return <Text bold color={tone('error')}>{`  draft NOT saved: ${sanitizeLine(state.slice('failed:'.length))} (retrying)`}</Text>;
  }
  if (state === 'saved') return <Text dimColor>{'  draft kept'}</Text>;
  if (state === 'pending') return <Text dimColor>{'  saving draft…'}</Text>;
  return null;
}
