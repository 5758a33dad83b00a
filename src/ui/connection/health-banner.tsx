import { useEffect, useState } from 'react';
import { Text } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import type { HealthState } from './health-state.ts';

/** The line under the header while the database is unreachable, counting down to the next try. */
export function healthBannerText(state: HealthState, now: number): string {
  const next = state.nextRetryAt === null ? 'retrying now…' : `retrying in ${Math.max(0, Math.ceil((state.nextRetryAt - now) / 1000))}s`;
  return `⚠ database unreachable — ${next} · your edits are kept · ${sanitizeLine(state.message ?? '')}`;
}

export function HealthBanner({ state, width }: { state: HealthState; width: number }) {
  // Re-drawn every second so the countdown moves.
  const [, setTick] = useState(0);
  useEffect(() => {
    if (state.status !== 'down') return;
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, [state.status]);
  if (state.status !== 'down') return null;
  return (
    <Text bold color={tone('error')} wrap="truncate-end">
      {truncate(healthBannerText(state, Date.now()), width)}
    </Text>
  );
}
