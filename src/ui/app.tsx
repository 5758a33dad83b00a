import { Box, Text, useApp, useInput, useStdin } from 'ink';
import type { Services } from '../services/types.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { ServicesContext } from './services-context.tsx';
import { Shell } from './shell/shell.tsx';
import type { Route } from './shell/routes.ts';
import { tone } from './theme.ts';

export type LoadState = { status: 'loading'; message: string } | { status: 'error'; message: string } | { status: 'ready'; services: Services };

/** The console: drawn at once, filled in when the services (and the ORM behind them) have loaded. */
export function App({ state, initialRoute }: { state: LoadState; initialRoute?: Route }) {
  if (state.status !== 'ready') {
    return <Splash state={state} />;
  }
  return (
    <ServicesContext.Provider value={state.services}>
      <Shell services={state.services} {...(initialRoute ? { initialRoute } : {})} />
    </ServicesContext.Provider>
  );
}

function Splash({ state }: { state: Exclude<LoadState, { status: 'ready' }> }) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  useInput((input, key) => (input === 'q' || key.escape) && exit(), { isActive: isRawModeSupported });
  return (
    <Box flexDirection="column">
      <Text bold color={tone('accent')}>
        cabinet
      </Text>
      <Text color={state.status === 'error' ? tone('error') : undefined} dimColor={state.status === 'loading'}>
        {sanitizeLine(state.message)}
      </Text>
    </Box>
  );
}
