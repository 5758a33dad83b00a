import { Box, Text, useApp, useInput, useStdin } from 'ink';
import type { Services } from '../services/types.ts';
import { ServicesContext } from './services-context.tsx';
import { SitesScreen } from './screens/sites/sites-screen.tsx';
import { Header } from './components/header.tsx';

export type LoadState = { status: 'loading'; message: string } | { status: 'error'; message: string } | { status: 'ready'; services: Services };

/** The console: drawn at once, filled in when the services (and the ORM behind them) have loaded. */
export function App({ state }: { state: LoadState }) {
  if (state.status !== 'ready') {
    return <Splash state={state} />;
  }
  return (
    <ServicesContext.Provider value={state.services}>
      <Box flexDirection="column">
        <Header connection={state.services.connection} />
        <SitesScreen />
      </Box>
    </ServicesContext.Provider>
  );
}

function Splash({ state }: { state: Exclude<LoadState, { status: 'ready' }> }) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  useInput((input) => input === 'q' && exit(), { isActive: isRawModeSupported });
  return (
      <Box flexDirection="column">
        <Text bold>cabinet</Text>
        <Text color={state.status === 'error' ? 'red' : undefined} dimColor={state.status === 'loading'}>
          {state.message}
        </Text>
      </Box>
  );
}
